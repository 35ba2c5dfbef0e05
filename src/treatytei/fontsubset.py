"""One subset of a font for a whole PDF put together from parts (publish_pdf).

WeasyPrint embeds in each part a subset of each font that keeps every glyph at its
original glyph id (HarfBuzz's RETAIN_GIDS), so the glyph ids in a part's text, its
widths and its ToUnicode map are those of the full font. A subset of the full font
made here for the union of the parts' glyph ids, the same way, can therefore stand in
for every part's subset. This calls HarfBuzz's subsetter directly (the library
WeasyPrint itself loads), with the flags WeasyPrint uses."""

from __future__ import annotations

import cffi

_ffi = cffi.FFI()
_ffi.cdef("""
    typedef ... hb_blob_t;
    typedef ... hb_face_t;
    typedef ... hb_set_t;
    typedef ... hb_subset_input_t;
    typedef uint32_t hb_codepoint_t;
    typedef uint32_t hb_tag_t;
    typedef enum { HB_MEMORY_MODE_DUPLICATE, HB_MEMORY_MODE_READONLY } hb_memory_mode_t;
    hb_blob_t *hb_blob_create (const char *data, unsigned int length, hb_memory_mode_t mode,
                               void *user_data, void *destroy);
    void hb_blob_destroy (hb_blob_t *blob);
    const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
    hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
    void hb_face_destroy (hb_face_t *face);
    hb_blob_t *hb_face_reference_blob (hb_face_t *face);
    hb_tag_t hb_tag_from_string (const char *str, int len);
    void hb_set_add (hb_set_t *set, hb_codepoint_t codepoint);
    hb_subset_input_t *hb_subset_input_create_or_fail (void);
    void hb_subset_input_destroy (hb_subset_input_t *input);
    hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
    hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
    void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
    hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
""")

_NO_HINTING, _RETAIN_GIDS, _DESUBROUTINIZE = 0x1, 0x2, 0x4
_PASSTHROUGH, _NOTDEF_OUTLINE = 0x20, 0x40
_DROP_TABLE_TAG = 3
# the tables WeasyPrint leaves out of an embedded font
_DROP = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")

_hb = None


def _lib():
    global _hb
    if _hb is None:
        for name in ("libharfbuzz-subset.so.0", "harfbuzz-subset", "libharfbuzz-subset.0.dylib"):
            try:
                _hb = _ffi.dlopen(name)
                break
            except OSError:
                continue
        else:
            raise OSError("HarfBuzz's subsetter (libharfbuzz-subset) is not installed")
    return _hb


def _subset(hb, face, gids, flags, drop=()):
    inp = _ffi.gc(hb.hb_subset_input_create_or_fail(), hb.hb_subset_input_destroy)
    glyphs = hb.hb_subset_input_glyph_set(inp)
    for g in gids:
        hb.hb_set_add(glyphs, g)
    if drop:
        dropped = hb.hb_subset_input_set(inp, _DROP_TABLE_TAG)
        for tag in drop:
            hb.hb_set_add(dropped, hb.hb_tag_from_string(tag, -1))
    hb.hb_subset_input_set_flags(inp, flags)
    out = hb.hb_subset_or_fail(face, inp)
    if out == _ffi.NULL:
        raise ValueError("HarfBuzz could not subset the font")
    return _ffi.gc(out, hb.hb_face_destroy)


def subset(data: bytes, index: int, gids: set[int], notdef_outline: bool = False) -> bytes:
    """The font at ``index`` of ``data`` (a font file or collection) cut down to ``gids``,
    each glyph at its original id, empty glyphs after the last one dropped."""
    hb = _lib()
    buf = _ffi.from_buffer(data)
    blob = _ffi.gc(hb.hb_blob_create(buf, len(data), hb.HB_MEMORY_MODE_READONLY, _ffi.NULL, _ffi.NULL),
                   hb.hb_blob_destroy)
    face = _ffi.gc(hb.hb_face_create(blob, index), hb.hb_face_destroy)
    extra = _NOTDEF_OUTLINE if notdef_outline else 0
    kept = _subset(hb, face, sorted(gids), _RETAIN_GIDS | _PASSTHROUGH | _DESUBROUTINIZE | extra, _DROP)
    # as WeasyPrint does: a second pass drops the empty glyph slots after the last glyph used
    last = _subset(hb, kept, range(max(gids) + 1), _PASSTHROUGH | _DESUBROUTINIZE | _NO_HINTING | extra)
    out_blob = _ffi.gc(hb.hb_face_reference_blob(last), hb.hb_blob_destroy)
    length = _ffi.new("unsigned int *")
    ptr = hb.hb_blob_get_data(out_blob, length)
    result = bytes(_ffi.buffer(ptr, length[0]))
    del buf
    return result
