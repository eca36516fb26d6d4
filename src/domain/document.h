/*
** document.h — documents attached to declaration claims and objections.
**
** A document is stored once, content-addressed, outside any web root:
** DATA/docs/ab/cdef... where abcdef... is the hex SHA-256 of its bytes.
** Only PDF, JPEG and PNG are kept, judged from the content by libmagic
** (never the name or the client's word), at most DOC_MAX_BYTES each.
** Uploads arrive in a temporary file under DATA/tmp (the web server
** streams them there, hashing on the way); document_adopt() moves the file
** into place and links it to a claim in one transaction with its audit row.
*/
#ifndef PK_DOCUMENT_H
#define PK_DOCUMENT_H
#include <stddef.h>
#include <sqlite3.h>

#include "domain/declaration.h"
#include "domain/period.h"
#include "store/audit.h"

#define DOC_MAX_BYTES (5 * 1024 * 1024)

/* The MIME type of the file at zPath as libmagic judges it, into
** zMime[nMime] ("" when it cannot tell). Returns 1 when the type is
** accepted (application/pdf, image/jpeg, image/png), else 0. The three
** accepted types are recognised by the signatures libmagic tests for them
** (libmagic's full pass took ~0.1 ms a file here); anything else goes to
** libmagic, which names it.
** One libmagic handle per thread: safe from any thread. */
int document_sniff(const char *zPath, char *zMime, size_t nMime);

/* Make DATA/tmp and DATA/docs. Returns 0 or -1. */
int document_dirs(const char *zDir);

/* A new temporary file under DATA/tmp: its descriptor, with the path in
** zPath[nPath]; -1 on failure. */
int document_tmpfile(const char *zDir, char *zPath, size_t nPath);

/* The path of a stored document: DATA/docs/ab/abcdef... (heap). NULL when
** zSha is not 64 lower-case hex digits. */
char *document_path(const char *zDir, const char *zSha);

/*
** Attach the uploaded file zTmp (nSize bytes, content hash zSha) to the
** claim zIndicator of zOffice's declaration for period p, under the name
** zName as sent. Always consumes zTmp: it is renamed into the store or
** removed. zTmp NULL: the bytes are stored already under zSha. Returns 0, or -1 with *pE: 404 no such office, 409 declaration
** not editable, 413 larger than DOC_MAX_BYTES, 415 not PDF/JPEG/PNG, 422
** the indicator takes no documents. Nothing is stored on any refusal.
*/
int document_adopt(sqlite3 *db, const char *zDir, const Actor *pActor,
                   const Period *p, const char *zOffice, const char *zIndicator,
                   const char *zName, const char *zTmp, long long nSize,
                   const char *zSha, const char *zNow, DeclErr *pE);

/*
** The store step of an upload, for any owner (a declaration claim, an
** objection): check the size and the type of the temporary file zTmp
** (nSize bytes, content hash zSha) and move it to DATA/docs. Always
** consumes zTmp. zTmp NULL: the bytes are stored already (their type is
** the one first sniffed). Sets zMime[64], and *pbNew when this call created
** the stored file (see document_unstore). Returns 0, or -1 with *pE: 413
** larger than DOC_MAX_BYTES, 415 not PDF/JPEG/PNG, 500 disk error (the
** messages are those of document_adopt; field "file").
*/
int document_put(sqlite3 *db, const char *zDir, const char *zTmp, long long nSize,
                 const char *zSha, char zMime[64], int *pbNew, DeclErr *pE);

/* Insert the document row of a stored file (nothing when it is there
** already), inside the caller's transaction. Returns 0 or -1. */
int document_row(sqlite3 *db, const Actor *pActor, const char *zSha, const char *zMime,
                 long long nSize, const char *zNow);

/* After a refused or failed transaction: remove the stored file zSha when
** document_put created it (bNew) and no document row refers to it. */
void document_unstore(sqlite3 *db, const char *zDir, const char *zSha, int bNew);

/* A safe display name for an uploaded file's name as sent: the last path
** component, normalised, no control characters, at most 200 bytes (heap). */
char *document_clean_name(const char *zName);

/* Document zSha among those linked to objection iObjection. Returns 0 with
** *pR filled (pR->zName heap; no indicator or date), or -1. */
int document_find_objection(sqlite3 *db, long long iObjection, const char *zSha, DocRef *pR);

/*
** Put the bytes pData[nData] into the content-addressed store under their
** SHA-256 (zShaOut[65] gets it), unless a file of that hash is there
** already: files reach their hash name only by rename, so one that is
** there is whole. No database: safe from any thread (the demo writes its
** documents on a second thread). Returns 1 when it wrote the file, 0 when
** it was there, -1 on a disk error or when nData > DOC_MAX_BYTES.
*/
int document_write_bytes(const char *zDir, const void *pData, size_t nData, char zShaOut[65]);

/* The same from bytes in memory (the demo generator, tests): puts the
** bytes into the store (document_write_bytes) and adopts them. zShaOut[65] gets
** the hash. A file it wrote is removed again when the attachment is
** refused and no other document row names it. */
int document_store_bytes(sqlite3 *db, const char *zDir, const Actor *pActor,
                         const Period *p, const char *zOffice, const char *zIndicator,
                         const char *zName, const void *pData, size_t nData,
                         const char *zNow, char zShaOut[65], DeclErr *pE);

/* Detach document zSha from claim zIndicator (the stored file stays: it
** may be shared). Same editability rules. Returns 0 or -1 with *pE. */
int document_detach(sqlite3 *db, const Actor *pActor, const Period *p,
                    const char *zOffice, const char *zIndicator, const char *zSha,
                    const char *zNow, DeclErr *pE);

/* Find document zSha among those of zOffice's declaration for period p.
** Returns 0 with *pR filled (pR->zName heap; free it), or -1. */
int document_find(sqlite3 *db, const Period *p, const char *zOffice,
                  const char *zSha, DocRef *pR);

#endif
