/*
** user.c — roles: codes and labels.
*/
#include <string.h>

#include "domain/user.h"

static const struct { const char *zCode, *zLabel; } aRole[ROLE_COUNT] = {
  { "public",          "عموم" },
  { "office",          "متصدی دفتر" },
  { "region_reviewer", "کارشناس بررسی منطقه" },
  { "region_manager",  "مدیر منطقه" },
  { "association",     "انجمن صنفی استان" },
  { "committee",       "کمیتهٔ نظارت استان" },
  { "agency",          "دستگاه اجرایی" },
  { "hq_reviewer",     "کارشناس ستاد" },
  { "hq_admin",        "مدیر ستاد" },
};

const char *role_code(Role e){
  return (e>=0 && e<ROLE_COUNT) ? aRole[e].zCode : "unknown";
}

const char *role_label(Role e){
  return (e>=0 && e<ROLE_COUNT) ? aRole[e].zLabel : "نامعلوم";
}

Role role_from_code(const char *z){
  int i;
  for(i=1; z && i<ROLE_COUNT; i++){
    if( strcmp(z, aRole[i].zCode)==0 ) return (Role)i;
  }
  return ROLE_COUNT;
}
