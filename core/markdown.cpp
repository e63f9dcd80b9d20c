// Markdown to HTML for portal article bodies: GitHub-flavoured (cmark-gfm with its table,
// strikethrough and autolink extensions), with raw HTML shown as text rather than passed through.
//
// cmark's safe mode drops raw HTML and leaves a comment, so a writer who pasted <table> would see
// their content vanish without a word. Here raw HTML nodes become text nodes before rendering, so it
// shows up escaped and visible; links with script-capable schemes are unwrapped to their text.
// Tables are written as GFM pipe tables. Thread-safe: the extensions are registered once.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"

namespace fabu {
namespace {

constexpr int kParseOptions = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
constexpr const char* kExtensions[] = {"table", "strikethrough", "autolink"};

struct ParserDeleter {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct IterDeleter {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};
struct CharDeleter {
  void operator()(char* p) const { std::free(p); }
};

bool has_unsafe_scheme(const char* url) {
  if (url == nullptr) return false;
  // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
  std::string scheme;
  for (const char* p = url; *p != '\0' && *p != ':' && scheme.size() < 32; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c <= 0x20) continue;
    scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return scheme == "javascript" || scheme == "vbscript" || scheme == "data" || scheme == "file";
}

std::string without_trailing_newlines(const char* literal) {
  std::string text = literal != nullptr ? literal : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

void replace_with_text(cmark_node* html) {
  cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(text, without_trailing_newlines(cmark_node_get_literal(html)).c_str());
  cmark_node* replacement = text;
  if (cmark_node_get_type(html) == CMARK_NODE_HTML_BLOCK) {
    // A text node cannot stand where a block goes; give it a paragraph of its own.
    replacement = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node_append_child(replacement, text);
  }
  cmark_node_replace(html, replacement);
  cmark_node_free(html);
}

void unwrap(cmark_node* link) {
  while (cmark_node* child = cmark_node_first_child(link)) cmark_node_insert_before(link, child);
  cmark_node_free(link);  // unlinks it from its parent first
}

using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;

// A parser with the GFM extensions attached, and the document it read. The parser owns the extension
// list the renderer needs, so it must live until the HTML is out. Null when cmark could not allocate.
std::pair<ParserPtr, NodePtr> parse_markdown(std::string_view markdown) {
  // The registration in the library sets a plain static flag: call it once for all threads.
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  ParserPtr parser(cmark_parser_new(kParseOptions));
  if (!parser) return {};
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* extension = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), extension);
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  NodePtr document(cmark_parser_finish(parser.get()));
  if (!document) return {};
  return {std::move(parser), std::move(document)};
}

bool is_block(cmark_node_type type) {
  return type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING || type == CMARK_NODE_ITEM ||
         type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_BLOCK_QUOTE ||
         type == CMARK_NODE_THEMATIC_BREAK;
}

}  // namespace

std::string markdown_shown_text(std::string_view markdown) {
  auto [parser, document] = parse_markdown(markdown);
  if (!document) return std::string(markdown);
  std::string out;
  out.reserve(markdown.size());
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(document.get()));
  for (cmark_event_type event; (event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    const cmark_node_type type = cmark_node_get_type(node);
    if (event == CMARK_EVENT_EXIT) {
      // A table's cells and rows (an extension's node types) are apart on the page, like blocks.
      const std::string_view name = cmark_node_get_type_string(node);
      if (is_block(type) || name == "table_cell" || name == "table_row") out += '\n';
      continue;
    }
    switch (type) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
      case CMARK_NODE_CODE_BLOCK:
      case CMARK_NODE_HTML_INLINE:  // shown as text by render_markdown
      case CMARK_NODE_HTML_BLOCK:
        if (const char* literal = cmark_node_get_literal(node)) out += literal;
        if (is_block(type)) out += '\n';
        break;
      case CMARK_NODE_SOFTBREAK:  // a browser shows a line break inside a paragraph as a space
        out += ' ';
        break;
      case CMARK_NODE_LINEBREAK:
        out += '\n';
        break;
      default:
        break;
    }
  }
  return out;
}

std::string render_markdown(std::string_view markdown) {
  auto [parser, document] = parse_markdown(markdown);
  if (!document) return {};

  // The tree must not change under a live iterator: collect first, rewrite afterwards.
  std::vector<cmark_node*> raw_html;
  std::vector<cmark_node*> unsafe_links;
  {
    std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(document.get()));
    for (cmark_event_type event; (event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
      if (event != CMARK_EVENT_ENTER) continue;
      cmark_node* node = cmark_iter_get_node(iter.get());
      switch (cmark_node_get_type(node)) {
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_HTML_INLINE:
          raw_html.push_back(node);
          break;
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
          if (has_unsafe_scheme(cmark_node_get_url(node))) unsafe_links.push_back(node);
          break;
        default:
          break;
      }
    }
  }
  for (cmark_node* node : raw_html) replace_with_text(node);
  for (cmark_node* node : unsafe_links) unwrap(node);

  // CMARK_OPT_DEFAULT (without CMARK_OPT_UNSAFE) renders safely as a second line of defence (no raw
  // HTML, no unsafe URLs).
  std::unique_ptr<char, CharDeleter> html(
      cmark_render_html(document.get(), CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser.get())));
  return html ? std::string(html.get()) : std::string();
}

}  // namespace fabu
