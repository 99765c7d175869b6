/* SPDX-License-Identifier: GPL-2.0 */
/* Host build of module code: see ../kshim.h. */
#include "../kshim.h"
