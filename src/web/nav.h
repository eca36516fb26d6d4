/*
** nav.h — the navigation bar: which links each role sees (nav.c).
*/
#ifndef PK_NAV_H
#define PK_NAV_H

typedef struct NavItem {
  const char *zHref;
  const char *zLabel;
  unsigned roles;      /* bit (1<<Role) set for each role that sees it */
} NavItem;

extern const NavItem aNavItem[];
extern const int nNavItem;

#define NAV_ALL 0xFFFFu

#endif
