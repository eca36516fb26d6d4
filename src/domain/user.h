/*
** user.h — users, roles and scopes (DESIGN.md §2).
**
** A Principal is who is acting: a logged-in user with a role and the scope
** the role is bound to (one office, region, province or agency, or the
** nation). The anonymous public has no Principal (NULL).
*/
#ifndef PK_USER_H
#define PK_USER_H

typedef enum Role {
  ROLE_PUBLIC = 0,     /* never stored; the anonymous visitor */
  ROLE_OFFICE,         /* office operator: one office */
  ROLE_REVIEWER,       /* region reviewer: one region */
  ROLE_MANAGER,        /* region manager: one region */
  ROLE_ASSOCIATION,    /* provincial guild association: one province */
  ROLE_COMMITTEE,      /* provincial violation committee: one province */
  ROLE_AGENCY,         /* government agency: its services */
  ROLE_HQ_REVIEWER,    /* nation */
  ROLE_HQ_ADMIN,       /* nation */
  ROLE_COUNT
} Role;

typedef struct Principal {
  long long iUser;
  char zUsername[64];
  Role role;
  char zScope[64];     /* office code, region code, province code, agency code, or "" */
  char zCsrf[72];      /* the session's CSRF token (hex), "" for bearer tokens */
  int bBearer;         /* authenticated by an API token */
} Principal;

/* "office", "region_reviewer", ... and back; ROLE_COUNT when unknown. */
const char *role_code(Role e);
Role role_from_code(const char *z);
/* Persian name of a role, for pages. */
const char *role_label(Role e);

#endif
