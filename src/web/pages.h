/*
** pages.h — every handler named in the route table (routes.c).
*/
#ifndef PK_PAGES_H
#define PK_PAGES_H
#include "web/req.h"

/* static.c */
void page_static(Req *r);
void page_healthz(Req *r);
void page_robots(Req *r);
/* page_office.c */
void page_home(Req *r);
void page_offices(Req *r);
void page_office(Req *r);
/* api_office.c */
void api_offices(Req *r);
void api_office(Req *r);
/* page_login.c */
void page_login(Req *r);
void page_login_post(Req *r);
void page_logout(Req *r);
void api_me(Req *r);
/* page_users.c */
void page_users(Req *r);
void page_users_add(Req *r);
void page_users_password(Req *r);
void page_users_disable(Req *r);
void page_users_enable(Req *r);
void page_users_token(Req *r);
void page_tokens_revoke(Req *r);
void page_unlock(Req *r);
/* api_declare.c — periods and declarations over JSON (docs/periods.md) */
void api_periods(Req *r);
void api_period_scheme(Req *r);
void api_declaration(Req *r);
void api_declaration_put(Req *r);
void api_declaration_document(Req *r);
void api_declaration_document_get(Req *r);
void api_declaration_submit(Req *r);
/* Shared by the declaration handlers: resolve /{period}/.../{office} in
** azArg[0], azArg[1] and guard eAct; -1 when a response was sent. */
struct Period;
int declare_target(Req *r, int eAct, struct Period *pP);
struct DocRef;
void send_document(Req *r, const struct DocRef *pD);
void declare_send_document(Req *r, const struct Period *p, const char *zOffice,
                           const char *zSha);
/* page_declare.c */
void page_declare_home(Req *r);
void page_declaration(Req *r);
void page_declaration_save(Req *r);
void page_declaration_submit(Req *r);
void page_declaration_confirm(Req *r);
void page_declaration_upload(Req *r);
void page_declaration_doc_delete(Req *r);
void page_declaration_extend(Req *r);
/* page_period.c */
void page_periods(Req *r);
void page_periods_create(Req *r);
void page_period(Req *r);
void page_period_advance(Req *r);
void page_period_scheme_set(Req *r);
void page_period_scheme(Req *r);
void page_office_changes(Req *r);
void page_office_changes_file(Req *r);
void page_changes(Req *r);
void page_change_decide(Req *r);
/* page_stats.c */
void page_stats(Req *r);
void page_stats_export(Req *r);
void page_hq_stats(Req *r);
void api_period_stats(Req *r);
/* page_cert.c; office_transparency() writes the published ranks and the
** approved replies of an office (a section of the public office page) */
void page_certificate(Req *r);
void page_verify(Req *r);
void api_verify(Req *r);
void office_transparency(Req *r, const char *zCode);
/* page_reply.c */
void page_reply(Req *r);
void page_reply_post(Req *r);
void page_replies(Req *r);
void page_reply_approve(Req *r);
void page_reply_reject(Req *r);
/* api_results.c */
void api_period_results(Req *r);

/* page_agency.c */
void page_agency_home(Req *r);
void page_agencies(Req *r);
void page_agencies_save(Req *r);
void page_agency(Req *r);
void page_agency_service_add(Req *r);
void page_agency_service(Req *r);
void page_agency_service_save(Req *r);
/* page_allocate.c */
void page_office_services(Req *r);
void page_office_services_save(Req *r);
void page_office_facilities(Req *r);
void page_admin_allocate(Req *r);
void page_admin_allocate_run(Req *r);
/* api_allocate.c */
void api_allocation(Req *r);
void api_allocation_csv(Req *r);
void api_coverage(Req *r);
void api_coverage_csv(Req *r);

/* page_result.c, page_whatif.c, api_result.c (docs/ranking.md) */
void page_office_result(Req *r);
void page_objection_file(Req *r);
void page_objection_document(Req *r);
void page_objections(Req *r);
void page_objection(Req *r);
void page_objection_decide(Req *r);
void page_results(Req *r);
void page_results_rank(Req *r);
void page_results_publish(Req *r);
void page_whatif(Req *r);
void api_office_result(Req *r);
void api_objection_file(Req *r);
void api_objection_document(Req *r);
void api_objection_decide(Req *r);
void api_whatif(Req *r);
/* Not a handler: the files of a multipart objection (r->aUpload) as
** ObjUpload (arena array; an empty file input is skipped). Returns 0, or
** -1 with *pE (400 broken upload, 413 a file too large or too many files,
** the file named). */
struct ObjUpload;
struct DeclErr;
int objection_uploads(Req *r, struct ObjUpload **paUp, int *pnUp, struct DeclErr *pE);
/* Not a handler: GET .../offices/{code}/objections/{id}/documents/{sha},
** guarded by office_private on the objection's office (page and API). */
void objection_send_document(Req *r);
/* Not handlers: the office page's rank card, and the API's "result" member
** ({"period","rank","score","status","version"} or null; caller owns it). */
void page_office_result_card(Req *r, const char *zOffice);
json_t *api_result_summary(sqlite3 *db, const char *zOffice);

/* page_review.c, api_review.c — review, confirmation, finalisation, the
** office timeline (docs/review.md) */
void page_review_home(Req *r);
void page_review_queue(Req *r);
void page_review(Req *r);
void page_review_claim(Req *r);
void page_review_accept_all(Req *r);
void page_review_complete(Req *r);
void page_review_return(Req *r);
void page_review_reopen(Req *r);
void page_review_resume(Req *r);
void page_review_confirm(Req *r);
void page_review_send_down(Req *r);
void page_hq_finalise(Req *r);
void page_hq_finalise_region(Req *r);
void page_office_timeline(Req *r);
void api_review(Req *r);
void api_review_claim(Req *r);
void api_review_accept_all(Req *r);
void api_review_complete(Req *r);
void api_review_return(Req *r);
void api_review_reopen(Req *r);
void api_review_resume(Req *r);
void api_review_confirm(Req *r);
void api_review_send_down(Req *r);
void api_region_finalise(Req *r);
void api_region_queue(Req *r);

/* page_external.c — association scores, committee rulings, satisfaction */
void page_association(Req *r);
void page_association_save(Req *r);
void page_association_upload(Req *r);
void page_committee(Req *r);
void page_committee_add(Req *r);
void page_committee_state(Req *r);
void page_office_satisfaction(Req *r);

#endif
