# pishkhan — build, run, test.  See README.md.
#
#   make            build ./pishkhan
#   make run        install deps, build, create demo data if none, serve :8080
#   make check      all tests, normal build then ASan+UBSan build
#   make unit       cmocka unit tests only (current build flavour)
#   make e2e        browser journeys only

CC      ?= cc
# V=1 shows the full compiler command lines.
ifeq ($(V),1)
  Q :=
else
  Q := @
endif
PKGS    := sqlite3 libmicrohttpd jansson libsodium icu-uc icu-i18n icu-io xlsxwriter libqrencode zlib
CSTD    := -std=c17 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Wformat=2 -Wshadow -Werror -Wno-format-nonliteral
OPT     ?= -O2 -g
SAN     ?=
ifeq ($(SAN),1)
  B      := build-san
  OPT    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDSAN  := -fsanitize=address,undefined
  BIN    := $(B)/pishkhan
else
  B      := build
  LDSAN  :=
  BIN    := pishkhan
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lmagic -lm -lpthread
CFLAGS  += $(CSTD) $(WARN) $(OPT) -Isrc $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(LDSAN)

SRC_LIB := $(wildcard src/base/*.c src/store/*.c src/domain/*.c src/web/*.c src/cli/*.c)
OBJ_LIB := $(SRC_LIB:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard test/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:test/unit/%.c=$(B)/test/%)
GEN     := $(B)/gen/assets.c

.PHONY: all run check unit http e2e clean deps demo
all: $(BIN)

$(BIN): $(OBJ_LIB) $(B)/src/main.o $(B)/gen/assets.o $(B)/gen/scheme_default.o
	@echo "  CC    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# Static assets (CSS, font, icons) compiled into the binary with content hashes.

# tools/embed is a host tool: built without sanitizers whatever the flavour.
# The Vazirmatn font comes from npm (scripts/deps); without node_modules the
# build still works and pages fall back to system fonts.
FONT_DIR    := node_modules/@fontsource/vazirmatn/files
FONT_400    := $(wildcard $(FONT_DIR)/vazirmatn-arabic-400-normal.woff2)
FONT_700    := $(wildcard $(FONT_DIR)/vazirmatn-arabic-700-normal.woff2)
FONT_L400   := $(wildcard $(FONT_DIR)/vazirmatn-latin-400-normal.woff2)
FONT_L700   := $(wildcard $(FONT_DIR)/vazirmatn-latin-700-normal.woff2)
EMBED_EXTRA := $(if $(FONT_400),fonts/vazirmatn-400.woff2=$(FONT_400)) \
               $(if $(FONT_700),fonts/vazirmatn-700.woff2=$(FONT_700)) \
               $(if $(FONT_L400),fonts/vazirmatn-latin-400.woff2=$(FONT_L400)) \
               $(if $(FONT_L700),fonts/vazirmatn-latin-700.woff2=$(FONT_L700))

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	$(Q)$(CC) $(CSTD) $(WARN) -O2 -o $@ $<

$(GEN): $(B)/tools/embed $(shell find web -type f 2>/dev/null) $(FONT_400) $(FONT_700) $(FONT_L400) $(FONT_L700) \
        $(wildcard node_modules/.package-lock.json)
	@mkdir -p $(dir $@)
	$(B)/tools/embed $@ web $(EMBED_EXTRA)

$(B)/gen/assets.o: $(GEN)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# The default scoring scheme, compiled in as one C string (scheme_default()).
$(B)/gen/scheme_default.c: data/schemes/default.json
	@mkdir -p $(dir $@)
	{ echo '/* generated from data/schemes/default.json */'; \
	  echo 'const char zSchemeDefaultJson[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@.tmp && mv $@.tmp $@

$(B)/gen/scheme_default.o: $(B)/gen/scheme_default.c
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/test/%: test/unit/%.c $(OBJ_LIB) $(B)/gen/assets.o $(B)/gen/scheme_default.o
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OBJ_LIB) $(B)/gen/assets.o $(B)/gen/scheme_default.o $(PKG_LIBS) -lcmocka

unit: $(UNIT_BIN)

# Benchmark programs (bench/*.sh build them; not part of `all`).
$(B)/bench/%: bench/%.c $(OBJ_LIB) $(B)/gen/assets.o $(B)/gen/scheme_default.o
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OBJ_LIB) $(B)/gen/assets.o $(B)/gen/scheme_default.o $(PKG_LIBS)

deps:
	sh scripts/deps

PISHKHAN_DATA ?= ./pishkhan-data
run: deps
	$(MAKE) -j$(NPROC) all
	@if [ ! -f "$(PISHKHAN_DATA)/pishkhan.db" ]; then \
	  ./pishkhan demo --data "$(PISHKHAN_DATA)" && \
	  ./pishkhan rank --period 1399-1 --data "$(PISHKHAN_DATA)" && \
	  ./pishkhan rank --period 1399-1 --publish --data "$(PISHKHAN_DATA)" && \
	  ./pishkhan allocate --period 1399-1 --data "$(PISHKHAN_DATA)" >/dev/null; \
	fi
	./pishkhan serve --data "$(PISHKHAN_DATA)" --port 8080

NPROC   := $(shell nproc 2>/dev/null || echo 2)
check: deps
	$(MAKE) -j$(NPROC) all unit
	$(MAKE) -j$(NPROC) SAN=1 all unit
	bash test/run

e2e: deps all
	bash test/run --only e2e

clean:
	rm -rf build build-san pishkhan

-include $(OBJ_LIB:.o=.d) $(B)/src/main.d
