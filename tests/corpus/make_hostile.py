#!/usr/bin/env python3
"""Writes the hostile release corpus: tests/corpus/hostile/NNN-name.{json,toml} and, next to each, a
NNN-name.expect file whose first line is the field path of the expected error (empty for the whole
document) and whose second line is a substring of its reason. tests/core/hostile_corpus_test.cpp
feeds every file to parse_release_json / parse_release_toml and checks that it is refused so.

Run from the repository root: python3 tests/corpus/make_hostile.py (the output is committed)."""
import copy
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hostile")

BASE = {
    "id": "2026-hostile-001",
    "kind": "news",
    "title": "临沂市政务公开工作成绩单",
    "summary": "全年举办新闻发布会7场。",
    "body": "## 概况\n\n受理审批事项449614件。",
    "issuer": "临沂市人民政府办公室",
    "doc_number": "临政办发〔2026〕12号",
    "formed_at": "2026-12-08",
    "disclosure": "proactive",
    "subjects": ["综合政务\\政务公开"],
    "publish_at": "2026-12-10T09:00:00+08:00",
    "targets": {"portal": ["zdly"], "microblog": ["lead"]},
    "approval": {"approver": "王晓明", "approved_at": "2026-12-10T08:30:00+08:00",
                 "signatures": [{"key_id": "wangxm", "role": "内容审核", "signed_at": "2026-12-10T08:29:00+08:00",
                                 "signature": "A" * 86 + "=="}]},
}

BASE_TOML = """id = "2026-hostile-001"
kind = "news"
title = "临沂市政务公开工作成绩单"
summary = "全年举办新闻发布会7场。"
issuer = "临沂市人民政府办公室"
doc_number = "临政办发〔2026〕12号"
formed_at = 2026-12-08
disclosure = "主动公开"
publish_at = 2026-12-10T09:00:00+08:00
targets.portal = ["zdly"]

[approval]
approver = "王晓明"
approved_at = 2026-12-10T08:30:00+08:00

[[approval.signatures]]
key_id = "wangxm"
role = "内容审核"
signed_at = 2026-12-10T08:29:00+08:00
signature = "%s=="
""" % ("A" * 86)

cases = []  # (name, extension, bytes, path, reason substring)


def add(name, ext, data, path, reason):
    if isinstance(data, str):
        data = data.encode("utf-8")
    cases.append((name, ext, data, path, reason))


def dump(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def with_field(path, value):
    """BASE with the dotted `path` set to `value` (a Python value)."""
    doc = copy.deepcopy(BASE)
    parts = path.split(".")
    node = doc
    for p in parts[:-1]:
        node = node[p]
    node[parts[-1]] = value
    return doc


def with_entry(key, value):
    """BASE with member `key` of approval.signatures[0] set to `value` (None removes it)."""
    doc = copy.deepcopy(BASE)
    entry = doc["approval"]["signatures"][0]
    if value is None:
        del entry[key]
    else:
        entry[key] = value
    return doc


def without(path):
    doc = copy.deepcopy(BASE)
    parts = path.split(".")
    node = doc
    for p in parts[:-1]:
        node = node[p]
    del node[parts[-1]]
    return doc


def raw_field(path, raw):
    """BASE as JSON text with the value of top-level or approval.* `path` replaced by raw JSON text."""
    marker = "\u0000MARK\u0000"
    text = dump(with_field(path, marker))
    return text.replace(json.dumps(marker), raw)


# --- the document as a whole -----------------------------------------------------------------------
add("empty", "json", "", "", "document is empty")
add("only-whitespace", "json", " \n\t\r\n", "", "document is empty")
add("top-level-array", "json", "[" + dump(BASE) + "]", "", "must be a JSON object, not an array")
add("top-level-string", "json", '"a release"', "", "must be a JSON object, not a string")
add("top-level-integer", "json", "42", "", "must be a JSON object, not an integer")
add("top-level-number", "json", "4.2", "", "must be a JSON object, not a number")
add("top-level-true", "json", "true", "", "must be a JSON object, not a boolean")
add("top-level-null", "json", "null", "", "must be a JSON object, not null")
good = dump(BASE).encode()
add("nul-between-two-releases", "json", good + b"\0" + good, "", "NUL byte at byte %d" % len(good))
nul_title = dump(with_field("title", "NULHERE")).encode()
add("nul-inside-a-string", "json", nul_title.replace(b"NULHERE", b"a\0b"), "",
    "NUL byte at byte %d" % (nul_title.index(b"NULHERE") + 1))
add("nul-first", "json", b"\0" + good, "", "NUL byte at byte 0")
add("nul-last", "json", good + b"\0", "", "NUL byte at byte %d" % len(good))
add("byte-order-mark", "json", b"\xef\xbb\xbf" + good, "", "byte order mark")
for cut in (1, 2, 10, 40, 100, len(good) // 2, len(good) - 1):
    add("truncated-at-%d" % cut, "json", good[:cut], "", "JSON syntax error")
add("trailing-brace", "json", good + b"}", "", "JSON syntax error")
add("two-documents", "json", good + b" " + good, "", "JSON syntax error")
add("single-quotes", "json", good.replace(b'"id"', b"'id'"), "", "JSON syntax error")
add("trailing-comma", "json", good[:-1] + b",}", "", "JSON syntax error")
add("line-comment", "json", b"// hi\n" + good, "", "JSON syntax error")
add("block-comment", "json", b"/* hi */" + good, "", "JSON syntax error")
add("nan-literal", "json", raw_field("title", "NaN"), "", "JSON syntax error")
add("infinity-literal", "json", raw_field("title", "Infinity"), "", "JSON syntax error")
add("hex-number", "json", raw_field("title", "0x10"), "", "JSON syntax error")
add("leading-zeros", "json", raw_field("title", "007"), "", "JSON syntax error")
add("raw-control-char-in-string", "json", raw_field("title", '"a\u0001b"'), "", "JSON syntax error")
add("raw-newline-in-string", "json", raw_field("title", '"a\nb"'), "", "JSON syntax error")
add("bad-escape", "json", raw_field("title", r'"a\qb"'), "", "JSON syntax error")
add("lone-high-surrogate-escape", "json", raw_field("title", r'"\ud800"'), "", "JSON syntax error")
add("lone-low-surrogate-escape", "json", raw_field("title", r'"\udc00x"'), "", "JSON syntax error")
add("short-unicode-escape", "json", raw_field("title", r'"\u12"'), "", "JSON syntax error")
add("unquoted-key", "json", good.replace(b'"id"', b"id", 1), "", "JSON syntax error")
add("missing-colon", "json", good.replace(b'"id":', b'"id"', 1), "", "JSON syntax error")
add("over-document-limit", "json", dump(with_field("body", "x" * (512 * 1024))), "",
    "over the limit document_bytes")

# --- nesting ------------------------------------------------------------------------------------------
add("nested-arrays-40", "json", raw_field("title", "[" * 40 + "]" * 40), "title" + "[0]" * 31,
    "nested deeper than 32 levels")
add("nested-arrays-100000", "json", raw_field("title", "[" * 100000 + "]" * 100000), "title" + "[0]" * 31,
    "nested deeper than 32 levels")
add("nested-objects-40", "json", raw_field("title", '{"a":' * 40 + "1" + "}" * 40), "title" + ".a" * 31,
    "nested deeper than 32 levels")
add("nested-unclosed", "json", raw_field("title", "[" * 5000)[:-1], "title" + "[0]" * 31,
    "nested deeper than 32 levels")

# --- numbers out of range -------------------------------------------------------------------------
add("title-1e999", "json", raw_field("title", "1e999"), "title", "out of range for a 64-bit floating-point")
add("title-minus-1e999", "json", raw_field("title", "-1e999"), "title", "out of range for a 64-bit floating-point")
add("summary-1E400", "json", raw_field("summary", "1E400"), "summary", "out of range for a 64-bit floating-point")
add("approved-at-1e999", "json", raw_field("approval.approved_at", "1e999"), "approval.approved_at",
    "out of range for a 64-bit floating-point")
add("id-huge-integer", "json", raw_field("id", "123456789012345678901234567890"), "id",
    "integer 123456789012345678901234567890 is out of range")
add("id-huge-negative-integer", "json", raw_field("id", "-99999999999999999999999"), "id", "is out of range")
add("unknown-field-1e999", "json", dump(BASE)[:-1] + ',"x":1e999}', "x", "out of range")
add("target-1e999", "json", dump(with_field("targets", {"portal": ["PLACE"]})).replace('"PLACE"', "1e999"),
    "targets.portal[0]", "out of range")
add("denormal-underflow-is-a-number", "json", raw_field("title", "1e-400"), "title", "expected a string, got a number")
add("max-int64-is-an-integer", "json", raw_field("title", "9223372036854775807"), "title",
    "expected a string, got an integer")

# --- duplicate keys -------------------------------------------------------------------------------
add("duplicate-id", "json", '{"id":"a",' + dump(BASE)[1:], "id", "duplicate key")
add("duplicate-title-same-value", "json", '{"title":"%s",' % BASE["title"] + dump(BASE)[1:], "title", "duplicate key")
add("duplicate-approver", "json", dump(BASE).replace('"approver":', '"approver":"张三","approver":'),
    "approval.approver", "duplicate key")
add("duplicate-target-channel", "json", dump(BASE).replace('"portal":', '"portal":["a"],"portal":'),
    "targets.portal", "duplicate key")
add("duplicate-targets", "json", dump(BASE)[:-1] + ',"targets":{}}', "targets", "duplicate key")
add("duplicate-approval", "json", dump(BASE)[:-1] + ',"approval":{}}', "approval", "duplicate key")

# --- invalid UTF-8 ---------------------------------------------------------------------------------
for name, path, bad in [
    ("invalid-byte-ff", "title", b"\xff"),
    ("overlong-slash", "summary", b"\xc0\xaf"),
    ("overlong-three-bytes", "issuer", b"\xe0\x80\xaf"),
    ("encoded-surrogate", "body", b"\xed\xa0\x80"),
    ("truncated-sequence", "title", b"\xe4\xb8"),
    ("above-u10ffff", "title", b"\xf4\x90\x80\x80"),
    ("lone-continuation", "doc_number", b"\x80"),
    ("latin1-e-acute", "approval.approver", b"caf\xe9"),
]:
    text = dump(with_field(path, "BADHERE")).encode()
    add(name, "json", text.replace(b"BADHERE", b"a" + bad + b"b"), path, "is not valid UTF-8")
text = dump(with_field("targets", {"portal": ["BADHERE"]})).encode()
add("invalid-utf8-in-target", "json", text.replace(b"BADHERE", b"\xfe"), "targets.portal[0]", "is not valid UTF-8")

# --- control characters ----------------------------------------------------------------------------
for name, path, ch, shown in [
    ("title-soh", "title", "\u0001", "U+0001"),
    ("title-newline", "title", "\n", "U+000A"),
    ("id-tab", "id", "\t", "U+0009"),
    ("summary-bell", "summary", "\u0007", "U+0007"),
    ("body-escape", "body", "\u001b[31m", "U+001B"),
    ("issuer-del", "issuer", "\u007f", "U+007F"),
    ("title-c1-nel", "title", "\u0085", "U+0085"),
    ("title-c1-csi", "title", "\u009b", "U+009B"),
    ("abstract-carriage-return", "abstract", "\r", "U+000D"),
    ("approver-nul-escape", "approval.approver", "\u0000", "U+0000"),
]:
    add(name, "json", dump(with_field(path, "a" + ch + "b")), path, "control character " + shown)

# --- wrong types -----------------------------------------------------------------------------------
string_fields = ["id", "kind", "title", "summary", "body", "abstract", "issuer", "doc_number", "interprets",
                 "link", "disclosure", "approval.approver"]
for f in string_fields:
    add("%s-is-integer" % f.replace(".", "-"), "json", dump(with_field(f, 1)), f, "expected a string, got an integer")
    add("%s-is-boolean" % f.replace(".", "-"), "json", dump(with_field(f, True)), f, "expected a string, got a boolean")
for f in ["title", "issuer", "approval.approver"]:
    add("%s-is-array" % f.replace(".", "-"), "json", dump(with_field(f, ["x"])), f, "expected a string, got an array")
    add("%s-is-object" % f.replace(".", "-"), "json", dump(with_field(f, {"x": "y"})), f, "expected a string, got a table")
add("title-is-float", "json", dump(with_field("title", 1.5)), "title", "expected a string, got a number")
add("formed-at-is-integer", "json", dump(with_field("formed_at", 20261208)), "formed_at", "expected a date YYYY-MM-DD")
add("formed-at-is-array", "json", dump(with_field("formed_at", [2026, 12, 8])), "formed_at", "expected a date YYYY-MM-DD")
add("publish-at-is-integer", "json", dump(with_field("publish_at", 1765328400)), "publish_at",
    "expected an ISO 8601 timestamp with UTC offset")
add("approved-at-is-boolean", "json", dump(with_field("approval.approved_at", True)), "approval.approved_at",
    "expected an ISO 8601 timestamp")
add("subjects-is-string", "json", dump(with_field("subjects", "综合政务")), "subjects", "expected an array of strings")
add("subjects-element-integer", "json", dump(with_field("subjects", [1])), "subjects[0]", "expected a string, got an integer")
add("images-is-object", "json", dump(with_field("images", {"a": "b"})), "images", "expected an array of strings")
add("images-element-null", "json", dump(with_field("images", ["a.png", None])), "images[1]", "expected a string, got null")
add("targets-is-array", "json", dump(with_field("targets", ["portal"])), "targets", "expected a table of channel name")
add("targets-is-string", "json", dump(with_field("targets", "portal")), "targets", "expected a table of channel name")
add("target-list-is-string", "json", dump(with_field("targets", {"portal": "zdly"})), "targets.portal",
    "expected an array of strings, got a string")
add("target-list-is-null", "json", dump(with_field("targets", {"portal": None})), "targets.portal",
    "expected an array of strings, got null")
add("target-element-object", "json", dump(with_field("targets", {"portal": [{}]})), "targets.portal[0]",
    "expected a string, got a table")
add("approval-is-string", "json", dump(with_field("approval", "王晓明")), "approval", "expected a table with approver")
add("approval-is-array", "json", dump(with_field("approval", [])), "approval", "expected a table with approver")

# --- missing and empty ------------------------------------------------------------------------------
for f in ["id", "kind", "title", "summary", "issuer", "formed_at", "disclosure", "approval.approver",
          "approval.approved_at"]:
    add("missing-%s" % f.replace(".", "-"), "json", dump(without(f)), f, "required field is missing")
add("missing-targets", "json", dump(without("targets")), "targets", "required field is missing")
add("missing-approval", "json", dump(without("approval")), "approval.approver", "required field is missing")
add("null-title", "json", dump(with_field("title", None)), "title", "required field is missing")
add("null-approval", "json", dump(with_field("approval", None)), "approval.approved_at", "required field is missing")
add("empty-title", "json", dump(with_field("title", "")), "title", "must not be empty")
add("blank-summary", "json", dump(with_field("summary", " \n\t ")), "summary", "must not be empty")
add("empty-object", "json", "{}", "id", "required field is missing")

# --- over the limits --------------------------------------------------------------------------------
add("id-65-bytes", "json", dump(with_field("id", "a" * 65)), "id", "over the limit id_bytes (64)")
add("id-long-cut-in-reason", "json", dump(with_field("id", "a" * 100000)), "id", "is 100000 bytes, over the limit id_bytes")
add("title-201-chars", "json", dump(with_field("title", "标" * 201)), "title", "over the limit title_chars (200)")
add("summary-2001-chars", "json", dump(with_field("summary", "摘" * 2001)), "summary", "over the limit summary_chars")
add("abstract-301-chars", "json", dump(with_field("abstract", "概" * 301)), "abstract", "over the limit abstract_chars")
add("body-over-256k", "json", dump(with_field("body", "x" * (256 * 1024 + 1))), "body", "over the limit body_bytes")
add("issuer-201-chars", "json", dump(with_field("issuer", "办" * 201)), "issuer", "over the limit short_field_chars")
add("doc-number-201-chars", "json", dump(with_field("doc_number", "号" * 201)), "doc_number", "short_field_chars")
add("link-2049-chars", "json", dump(with_field("link", "https://a.example/" + "x" * 2031)), "link", "over the limit link_chars")
add("signature-257-bytes", "json", dump(with_entry("signature", "s" * 257)), "approval.signatures[0].signature",
    "over the limit signature_bytes")
add("signatures-17", "json", dump(with_field("approval.signatures", BASE["approval"]["signatures"] * 17)),
    "approval.signatures", "over the limit max_signatures (16)")

# --- approval signatures: shape (whether they verify is decided at intake, against the config) ------
add("old-single-signature", "json", dump(with_field("approval.signature", "not-a-signature")), "approval.signature",
    "is no longer read: put each reviewer's signature in approval.signatures")
add("signatures-is-string", "json", dump(with_field("approval.signatures", "x")), "approval.signatures",
    "expected an array of tables, got a string")
add("signatures-is-table", "json", dump(with_field("approval.signatures", {"key_id": "x"})), "approval.signatures",
    "expected an array of tables, got a table")
add("signature-entry-is-string", "json", dump(with_field("approval.signatures", ["x"])), "approval.signatures[0]",
    "expected a table with key_id, role, signed_at and signature")
for member in ["key_id", "role", "signed_at", "signature"]:
    add("signature-missing-%s" % member.replace("_", "-"), "json", dump(with_entry(member, None)),
        "approval.signatures[0]." + member, "required field is missing")
    add("signature-%s-is-integer" % member.replace("_", "-"), "json", dump(with_entry(member, 7)),
        "approval.signatures[0]." + member, "expected a" if member != "signed_at" else "expected an ISO 8601 timestamp")
add("signature-key-id-slash", "json", dump(with_entry("key_id", "a/b")), "approval.signatures[0].key_id",
    "may contain only letters")
add("signature-key-id-65-bytes", "json", dump(with_entry("key_id", "k" * 65)), "approval.signatures[0].key_id",
    "over the limit id_bytes")
add("signature-role-control", "json", dump(with_entry("role", "内容\u0007审核")), "approval.signatures[0].role",
    "control character U+0007")
add("signed-at-no-offset", "json", dump(with_entry("signed_at", "2026-12-10T08:29:00")),
    "approval.signatures[0].signed_at", "has no UTC offset")
add("override-screen-not-hex", "json", dump(with_entry("override_screen", "ZZZZ")),
    "approval.signatures[0].override_screen", "must be a lowercase hex digest")
add("override-screen-129-bytes", "json", dump(with_entry("override_screen", "a" * 129)),
    "approval.signatures[0].override_screen", "over the limit override_screen_bytes")
add("signature-unknown-member", "json", dump(with_entry("comment", "ok")), "approval.signatures[0].comment",
    "unknown field")
add("toml-signature-in-approval", "toml", BASE_TOML.replace('approver = "王晓明"\n', 'approver = "王晓明"\nsignature = "x"\n'),
    "approval.signature", "is no longer read")
add("toml-signatures-inline-string", "toml", BASE_TOML.split("[[approval.signatures]]")[0] +
    "signatures = \"x\"\n", "approval.signatures", "expected an array of tables")
add("approver-201-chars", "json", dump(with_field("approval.approver", "王" * 201)), "approval.approver",
    "short_field_chars")
add("subjects-17", "json", dump(with_field("subjects", ["s%d" % i for i in range(17)])), "subjects",
    "over the limit max_subjects (16)")
add("images-10", "json", dump(with_field("images", ["i%d.png" % i for i in range(10)])), "images",
    "over the limit max_images (9)")
add("channels-17", "json", dump(with_field("targets", {"c%d" % i: ["x"] for i in range(17)})), "targets",
    "over the limit max_channels (16)")
add("targets-2001", "json", dump(with_field("targets", {"microblog": ["t%d" % i for i in range(2001)]})),
    "targets.microblog", "over the limit max_targets_per_channel")
add("target-name-201-chars", "json", dump(with_field("targets", {"portal": ["栏" * 201]})), "targets.portal[0]",
    "short_field_chars")

# --- values that are not allowed -------------------------------------------------------------------
for name, value in [("space", "a b"), ("slash", "a/b"), ("chinese", "新闻稿"), ("dot-dot-slash", "../etc"),
                    ("colon", "a:b"), ("percent", "%00")]:
    add("id-with-%s" % name, "json", dump(with_field("id", value)), "id", "may contain only letters")
add("kind-unknown", "json", dump(with_field("kind", "press")), "kind", "is not a release kind")
add("kind-trailing-space", "json", dump(with_field("kind", "news ")), "kind", "is not a release kind")
add("kind-upper-case", "json", dump(with_field("kind", "NEWS")), "kind", "is not a release kind")
for i, value in enumerate(["依申请公开", "不予公开", "on_request", "withheld"]):
    add("disclosure-not-proactive-%d" % i, "json", dump(with_field("disclosure", value)),
        "disclosure", "only 主动公开 (proactive) releases may be distributed")
add("disclosure-unknown", "json", dump(with_field("disclosure", "public")), "disclosure", "is not a disclosure attribute")
add("policy-without-interprets", "json", dump(with_field("kind", "policy_interpretation")), "interprets",
    "required for a policy_interpretation")
add("link-ftp", "json", dump(with_field("link", "ftp://files.example/x")), "link", "must be an http:// or https:// URL")
add("link-javascript", "json", dump(with_field("link", "javascript:alert(1)")), "link", "must be an http://")
add("targets-empty", "json", dump(with_field("targets", {})), "targets", "must name at least one channel")
add("target-list-empty", "json", dump(with_field("targets", {"portal": []})), "targets.portal",
    "must name at least one target")
add("channel-name-with-space", "json", dump(with_field("targets", {"bad name": ["x"]})), "targets.bad name",
    "channel names may contain only")
add("channel-name-empty", "json", dump(with_field("targets", {"": ["x"]})), "targets.", "channel names may contain only")
add("target-name-empty", "json", dump(with_field("targets", {"portal": [""]})), "targets.portal[0]", "must not be empty")

# --- dates and timestamps --------------------------------------------------------------------------
for i, value in enumerate(["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-12-32", "2026-1-5",
                           "2026/12/08", "20261208", "2026-12-08T00:00:00+08:00", "十二月八日"]):
    add("formed-at-bad-%d" % i, "json", dump(with_field("formed_at", value)), "formed_at",
        "is not a valid ISO date")
for name, path, value, reason in [
    ("publish-at-no-offset", "publish_at", "2026-12-10T09:00:00", "has no UTC offset"),
    ("approved-at-no-offset", "approval.approved_at", "2026-12-10T08:30:00", "has no UTC offset"),
    ("approved-at-fraction-no-offset", "approval.approved_at", "2026-12-10T08:30:00.5", "has no UTC offset"),
    ("publish-at-no-seconds", "publish_at", "2026-12-10T09:00+08:00", "must look like"),
    ("publish-at-hour-25", "publish_at", "2026-12-10T25:00:00+08:00", "impossible time of day"),
    ("publish-at-offset-24", "publish_at", "2026-12-10T09:00:00+24:00", "impossible UTC offset"),
    ("publish-at-feb-30", "publish_at", "2026-02-30T09:00:00+08:00", "must look like"),
    ("publish-at-compact-offset", "publish_at", "2026-12-10T09:00:00+0800", "must look like"),
    ("publish-at-word", "publish_at", "tomorrow", "must look like"),
    ("publish-at-trailing", "publish_at", "2026-12-10T09:00:00Zjunk", "must look like"),
]:
    add(name, "json", dump(with_field(path, value)), path, reason)

# --- unknown fields --------------------------------------------------------------------------------
add("unknown-field", "json", dump(with_field("extra", "x")), "extra", "unknown field")
add("unknown-field-capitalised", "json", dump(with_field("Title", "x")), "Title", "unknown field")
add("unknown-field-proto", "json", dump(with_field("__proto__", {})), "__proto__", "unknown field")
add("unknown-approval-field", "json", dump(with_field("approval.extra", "x")), "approval.extra", "unknown field")
add("unknown-field-long-key", "json", dump(with_field("k" * 100000, 1)),
    "k" * 64 + "\u2026 (100000 bytes, at most 64)", "unknown field")

# --- TOML ------------------------------------------------------------------------------------------
for name, text in [("e-acute", "é"), ("tortoise-bracket", "〔"), ("tortoise-bracket-close", "〕"),
                   ("combining-bridge", "\u032a"), ("greek-cap-gangia", "\u03ea"), ("arabic-ligature", "\ufc50"),
                   ("ideographic-comma", "、")]:
    add("toml-one-char-%s" % name, "toml", text, "", "outside a quoted string or comment")
add("toml-empty", "toml", "", "", "document is empty")
add("toml-only-comment", "toml", "# 〔2026〕\n", "id", "required field is missing")
add("toml-bracket-ampersand", "toml", "[&", "", "a table header must start with a key")
add("toml-three-brackets", "toml", "[[[", "", "a table header must start with a key")
add("toml-header-after-release", "toml", BASE_TOML + "[ &]\n", "", "a table header must start with a key")
add("toml-array-brace", "toml", BASE_TOML.replace('["zdly"]', "[}"), "", "where an array element")
add("toml-array-comma-brace", "toml", BASE_TOML.replace('["zdly"]', '["zdly", }'), "", "where an array element")
add("toml-date-t-colon", "toml", BASE_TOML.replace("formed_at = 2026-12-08", "formed_at = 2026-12-08T:"), "",
    "must go on with a time of day")
add("toml-value-then-bracket", "toml", BASE_TOML.replace('kind = "news"', 'kind = "news"〔'), "",
    "outside a quoted string or comment")
add("toml-bare-key-non-ascii", "toml", "标题 = \"x\"\n" + BASE_TOML, "", "outside a quoted string or comment")
add("toml-line-ending-backslash-bracket", "toml",
    BASE_TOML + 'body = """\\\n  〔2026〕正文"""\n'.replace("body", "abstract"), "", "after a line-ending backslash")
add("toml-backslash-e-acute", "toml", BASE_TOML.replace('summary = "全年举办新闻发布会7场。"', 'summary = """\\é"""'),
    "", "after a backslash")
add("toml-nul", "toml", BASE_TOML.replace("kind", "ki\0nd", 1), "",
    "NUL byte at byte %d" % (len(BASE_TOML.encode()[:BASE_TOML.encode().index(b"kind")]) + 2))
add("toml-invalid-utf8", "toml", BASE_TOML.encode().replace("王晓明".encode(), b"\xff\xfe"), "", "is not valid UTF-8")
add("toml-overlong-utf8", "toml", BASE_TOML.encode().replace("王晓明".encode(), b"\xc0\xaf"), "", "is not valid UTF-8")
add("toml-encoded-surrogate", "toml", BASE_TOML.encode().replace("王晓明".encode(), b"\xed\xb0\x80"), "",
    "is not valid UTF-8")
add("toml-bom-inside", "toml", BASE_TOML.replace("kind =", "\ufeffkind ="), "", "outside a quoted string or comment")
add("toml-nested-arrays-40", "toml", BASE_TOML.replace('["zdly"]', "[" * 40 + "]" * 40), "",
    "nested deeper than 32 levels")
add("toml-nested-inline-tables-40", "toml", "x = " + "{a = " * 40 + "1" + "}" * 40 + "\n" + BASE_TOML, "",
    "nested deeper than 32 levels")
add("toml-newline-in-string", "toml", BASE_TOML.replace('title = "临沂', 'title = "临\n沂'), "",
    "a line break inside a single-line string")
add("toml-duplicate-key", "toml", BASE_TOML.replace("kind =", 'id = "again"\nkind ='), "", "TOML syntax error")
add("toml-duplicate-table", "toml", BASE_TOML + "[approval]\n", "", "TOML syntax error")
add("toml-truncated", "toml", BASE_TOML[: BASE_TOML.index("approved_at = 2026") + 20], "", "TOML syntax error")
add("toml-unterminated-multiline", "toml", BASE_TOML + 'body = """never closed\n', "", "TOML syntax error")
add("toml-control-char-in-string", "toml", BASE_TOML.replace("临沂市政务", "临沂\u0001市政务"), "", "TOML syntax error")
add("toml-huge-integer", "toml", BASE_TOML.replace('title = "临沂市政务公开工作成绩单"', "title = 99999999999999999999"),
    "", "TOML syntax error")
add("toml-title-integer", "toml", BASE_TOML.replace('title = "临沂市政务公开工作成绩单"', "title = 12"), "title",
    "expected a string, got an integer")
add("toml-title-inf", "toml", BASE_TOML.replace('title = "临沂市政务公开工作成绩单"', "title = inf"), "title",
    "expected a string, got a number")
add("toml-title-nan", "toml", BASE_TOML.replace('title = "临沂市政务公开工作成绩单"', "title = -nan"), "title",
    "expected a string, got a number")
add("toml-local-publish-at", "toml", BASE_TOML.replace("publish_at = 2026-12-10T09:00:00+08:00",
                                                       "publish_at = 2026-12-10T09:00:00"), "publish_at",
    "has no UTC offset")
add("toml-approved-at-time-only", "toml", BASE_TOML.replace("approved_at = 2026-12-10T08:30:00+08:00",
                                                            "approved_at = 08:30:00"), "approval.approved_at",
    "expected an ISO 8601 timestamp")
add("toml-formed-at-feb-30", "toml", BASE_TOML.replace("formed_at = 2026-12-08", "formed_at = 2026-02-30"), "",
    "TOML syntax error")
add("toml-formed-at-string-feb-30", "toml", BASE_TOML.replace("formed_at = 2026-12-08", 'formed_at = "2026-02-30"'),
    "formed_at", "is not a valid ISO date")
add("toml-disclosure-on-request", "toml", BASE_TOML.replace('"主动公开"', '"依申请公开"'), "disclosure",
    "only 主动公开 (proactive) releases may be distributed")
add("toml-unknown-field", "toml", BASE_TOML.replace("kind =", "colour = 1\nkind ="), "colour", "unknown field")
add("toml-approval-string", "toml", BASE_TOML.split("[approval]")[0] + 'approval = "王晓明"\n', "approval",
    "expected a table with approver")
add("toml-targets-array-of-tables", "toml", BASE_TOML.replace('targets.portal = ["zdly"]\n', "") +
    "[[targets]]\nportal = 1\n", "targets", "expected a table of channel name")
add("toml-missing-equals", "toml", "title\n", "", "TOML syntax error")
add("toml-number-then-quoted-bracket", "toml", BASE_TOML.replace('title = "临沂市政务公开工作成绩单"', 'title = 1"〔"'), "",
    "outside a quoted string or comment")
add("toml-date-then-quoted-e-acute", "toml", BASE_TOML.replace("formed_at = 2026-12-08", 'formed_at = 2026-12-08."é"'),
    "", "outside a quoted string or comment")
add("toml-boolean-then-inline-table", "toml", "x = true{a = \"〔\"}\n" + BASE_TOML, "", "TOML syntax error")
add("toml-value-missing", "toml", "title =\n", "", "TOML syntax error")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    names = set()
    for n, (name, ext, data, path, reason) in enumerate(cases, start=1):
        assert name not in names, name
        names.add(name)
        stem = "%03d-%s" % (n, name)
        with open(os.path.join(OUT, stem + "." + ext), "wb") as f:
            f.write(data)
        with open(os.path.join(OUT, stem + ".expect"), "w", encoding="utf-8") as f:
            f.write(path + "\n" + reason + "\n")
    print("wrote %d hostile releases to %s" % (len(cases), os.path.relpath(OUT)))


if __name__ == "__main__":
    main()
