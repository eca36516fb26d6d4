/*
** nav.c — the links of the navigation bar, by role.
*/
#include "domain/user.h"
#include "web/nav.h"

const NavItem aNavItem[] = {
  { "/",        "خانه",              NAV_ALL },
  { "/offices", "جست‌وجوی دفاتر",    NAV_ALL },
};
const int nNavItem = sizeof(aNavItem) / sizeof(aNavItem[0]);
