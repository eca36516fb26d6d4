/*
** nav.c — the links of the navigation bar, by role.
*/
#include "domain/user.h"
#include "web/nav.h"

const NavItem aNavItem[] = {
  { "/",        "خانه",              NAV_ALL },
  { "/offices", "جست‌وجوی دفاتر",    NAV_ALL },
  { "/admin/users", "کاربران",        1u<<ROLE_HQ_ADMIN },
  { "/declare",       "خوداظهاری",          1u<<ROLE_OFFICE },
  { "/changes",       "درخواست‌های تغییر",  1u<<ROLE_REVIEWER },
  { "/review",        "بررسی",              (1u<<ROLE_REVIEWER)|(1u<<ROLE_MANAGER) },
  { "/hq/finalise",   "نهایی‌سازی مناطق",    1u<<ROLE_HQ_REVIEWER },
  { "/admin/periods", "دوره‌ها",            1u<<ROLE_HQ_ADMIN },
  { "/stats",         "آمار",               NAV_ALL },
  { "/hq/stats",      "آمار و انصاف",       (1u<<ROLE_HQ_REVIEWER)|(1u<<ROLE_HQ_ADMIN) },
  { "/admin/replies", "پاسخ دفاتر",         1u<<ROLE_HQ_ADMIN },
  { "/agency",         "خدمات دستگاه",       1u<<ROLE_AGENCY },
  { "/admin/allocate", "توزیع خدمات",        (1u<<ROLE_HQ_REVIEWER)|(1u<<ROLE_HQ_ADMIN) },
  { "/admin/results", "نتیجه‌ها",           1u<<ROLE_HQ_ADMIN },
  { "/objections",    "اعتراض‌ها",          1u<<ROLE_HQ_REVIEWER },
  { "/association",   "امتیاز انجمن",       1u<<ROLE_ASSOCIATION },
  { "/committee",     "آرای کمیته",         1u<<ROLE_COMMITTEE },
  { "/admin/association", "امتیاز انجمن‌ها", 1u<<ROLE_HQ_ADMIN },
};
const int nNavItem = sizeof(aNavItem) / sizeof(aNavItem[0]);
