"""``.. markdown-include::``: show a Markdown file (and its figures) in a page.

The benchmark scripts write ``benchmarks/results/summary.md`` and PNG figures
beside it. This directive turns that Markdown into docutils nodes directly
(no reST is generated, so nothing in the Markdown can raise a Sphinx
warning), and the page is re-read at every build, so it always shows the
current results. When the file does not exist, the directive's own content
(reST) is shown instead and the build goes on.

Usage::

    .. markdown-include:: ../benchmarks/results/summary.md
       :figures: *.png *.svg

       Shown when summary.md does not exist yet.

``:figures:`` lists glob patterns (relative to the Markdown file's folder);
matching files that the Markdown does not already show are added at the end.

The Markdown subset covered is what result summaries use: ATX and Setext
headings, paragraphs, pipe tables, bullet and numbered lists (nested by
indentation), fenced code, block quotes, images, links, ``code``,
``**bold**`` and ``*emphasis*``. HTML comments are dropped; other HTML is
passed through to the HTML output.
"""

import os
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_IMAGE_LINE = re.compile(r'^\s*!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"([^"]*)")?\s*\)\s*$')
_IMAGE_LINK = re.compile(r"^\[([^\]]+)\]\(\s*<?([^)\s>]+\.(?:png|svg|jpe?g|gif))>?\s*\)$", re.I)
_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")

_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?P<code_text>.+?)(?P=ticks))"
    r'|(?P<image>!\[(?P<img_alt>[^\]]*)\]\(\s*<?(?P<img_src>[^)\s>]+)>?(?:\s+"[^"]*")?\s*\))'
    r'|(?P<link>\[(?P<link_text>[^\]]+)\]\(\s*<?(?P<link_url>[^)\s>]+)>?(?:\s+"[^"]*")?\s*\))'
    r"|(?P<auto><(?P<auto_url>(?:https?|mailto):[^>\s]+)>)"
    r"|(?P<strong>\*\*(?P<strong_text>.+?)\*\*|(?<!\w)__(?P<strong_text2>.+?)__(?!\w))"
    r"|(?P<em>\*(?=\S)(?P<em_text>.+?)(?<=\S)\*|(?<!\w)_(?=\S)(?P<em_text2>.+?)(?<=\S)_(?!\w))"
    r"|(?P<html></?[A-Za-z][^>]*>)"
    r"|(?P<escape>\\(?P<escaped>[\\`*_{}\[\]()#+\-.!|<>]))"
)


class _Converter:
    """Markdown text to a list of docutils nodes."""

    def __init__(self, directive, md_path):
        self.directive = directive
        self.md_dir = md_path.parent
        env = directive.env
        self.doc_dir = (Path(env.srcdir) / env.docname).parent
        self.shown_images = set()

    # -- inline ------------------------------------------------------------

    def inline(self, text):
        out, pos = [], 0
        for match in _INLINE.finditer(text):
            if match.start() > pos:
                out.append(nodes.Text(text[pos : match.start()]))
            pos = match.end()
            kind = match.lastgroup
            group = match.groupdict()
            if group["code"]:
                code = group["code_text"].strip()
                out.append(nodes.literal(code, code))
            elif group["image"]:
                out.extend(self.image(group["img_src"], group["img_alt"], inline=True))
            elif group["link"]:
                out.append(self.link(group["link_text"], group["link_url"]))
            elif group["auto"]:
                url = group["auto_url"]
                out.append(nodes.reference(url, url, refuri=url))
            elif group["strong"]:
                inner = group["strong_text"] or group["strong_text2"]
                out.append(nodes.strong("", "", *self.inline(inner)))
            elif group["em"]:
                inner = group["em_text"] or group["em_text2"]
                out.append(nodes.emphasis("", "", *self.inline(inner)))
            elif group["html"]:
                tag = group["html"]
                if re.match(r"<br\s*/?>", tag, re.I):
                    out.append(nodes.Text(" "))
                else:
                    out.append(nodes.raw(tag, tag, format="html"))
            elif group["escape"]:
                out.append(nodes.Text(group["escaped"]))
            else:  # pragma: no cover - every group is handled above
                raise AssertionError(kind)
        if pos < len(text):
            out.append(nodes.Text(text[pos:]))
        return out

    def link(self, label, url):
        children = self.inline(label)
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|#)", url, re.I):
            return nodes.reference("", "", *children, refuri=url)
        # A file of the repository: no page of this site to point to.
        return nodes.inline("", "", *children)

    def image(self, src, alt, *, inline=False, caption=None):
        if re.match(r"^[a-z][a-z0-9+.-]*://", src, re.I):
            return [nodes.image(src, uri=src, alt=alt)]
        path = (self.md_dir / src).resolve()
        if not path.is_file():
            text = f"[figure not found: {src}]"
            return [nodes.emphasis(text, text)]
        self.shown_images.add(path)
        uri = Path(os.path.relpath(path, self.doc_dir)).as_posix()
        image = nodes.image(uri, uri=uri, alt=alt or path.stem, classes=["md-figure"])
        if inline:
            return [image]
        figure = nodes.figure("", image, classes=["md-figure"])
        if caption:
            figure += nodes.caption(caption, "", *self.inline(caption))
        return [figure]

    # -- blocks ------------------------------------------------------------

    def blocks(self, lines):
        """Body nodes and (level, title) headings, in order."""
        out, paragraph = [], []
        i = 0

        def flush():
            if paragraph:
                text = " ".join(s.strip() for s in paragraph)
                out.append(nodes.paragraph(text, "", *self.inline(text)))
                paragraph.clear()

        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if stripped.startswith("<!--"):
                flush()
                while i < len(lines) and "-->" not in lines[i]:
                    i += 1
                i += 1
                continue
            fence = _FENCE.match(line)
            if fence:
                flush()
                marker, language = fence.group(2), fence.group(3) or "text"
                body = []
                i += 1
                while i < len(lines) and not lines[i].strip().startswith(marker):
                    body.append(lines[i])
                    i += 1
                i += 1
                code = "\n".join(body)
                block = nodes.literal_block(code, code)
                block["language"] = language if language != "text" else "none"
                out.append(block)
                continue
            heading = _HEADING.match(line)
            if heading:
                flush()
                out.append(("heading", len(heading.group(1)), heading.group(2)))
                i += 1
                continue
            if paragraph and re.match(r"^\s*(=+|-+)\s*$", line):
                # Setext heading: the paragraph so far is its title.
                level = 1 if stripped.startswith("=") else 2
                title = " ".join(s.strip() for s in paragraph)
                paragraph.clear()
                out.append(("heading", level, title))
                i += 1
                continue
            if not stripped:
                flush()
                i += 1
                continue
            if _HR.match(line):
                flush()
                i += 1
                continue
            if "|" in line and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
                flush()
                rows = [line]
                i += 2
                while i < len(lines) and "|" in lines[i] and lines[i].strip():
                    rows.append(lines[i])
                    i += 1
                out.append(self.table(rows))
                continue
            image = _IMAGE_LINE.match(line)
            if image and not paragraph:
                out.extend(self.image(image.group(2), image.group(1), caption=image.group(1)))
                i += 1
                continue
            if stripped.startswith(">"):
                flush()
                quoted = []
                while i < len(lines) and lines[i].strip().startswith(">"):
                    quoted.append(re.sub(r"^\s*>\s?", "", lines[i]))
                    i += 1
                inner = [n for n in self.blocks(quoted) if not isinstance(n, tuple)]
                out.append(nodes.block_quote("", *inner))
                continue
            item = _LIST_ITEM.match(line)
            if item and (not paragraph or not item.group(2)[0].isdigit() or item.group(2)[0] == "1"):
                # A bullet list (or one numbered from 1) may interrupt a paragraph.
                flush()
                items = []
                while i < len(lines):
                    current = lines[i]
                    if not current.strip():
                        following = lines[i + 1] if i + 1 < len(lines) else ""
                        if _LIST_ITEM.match(following) or following.startswith("  "):
                            i += 1
                            continue
                        break
                    if _LIST_ITEM.match(current) or current.startswith((" ", "\t")):
                        items.append(current)
                        i += 1
                        continue
                    break
                out.extend(self.figure_list(items) or [self.list(items)])
                continue
            if stripped.startswith("<") and not paragraph and re.match(r"^<[A-Za-z]", stripped):
                flush()
                html = [line]
                i += 1
                while i < len(lines) and lines[i].strip():
                    html.append(lines[i])
                    i += 1
                raw = "\n".join(html)
                out.append(nodes.raw(raw, raw, format="html"))
                continue
            paragraph.append(line)
            i += 1
        flush()
        return out

    def figure_list(self, lines):
        """Figures for a list whose every item is a link to an image file, else None."""
        figures = []
        for line in lines:
            match = _LIST_ITEM.match(line)
            link = match and _IMAGE_LINK.match(match.group(3).strip())
            if not link or not (self.md_dir / link.group(2)).is_file():
                return None
            figures.append((link.group(2), link.group(1)))
        out = []
        for src, label in figures:
            out.extend(self.image(src, label, caption=label))
        return out

    def list(self, lines):
        first = _LIST_ITEM.match(lines[0])
        indent = len(first.group(1).expandtabs())
        ordered = first.group(2)[0].isdigit()
        node = nodes.enumerated_list() if ordered else nodes.bullet_list()
        if ordered:
            node["enumtype"] = "arabic"
            node["prefix"], node["suffix"] = "", "."
        items = []  # (text lines, nested lines)
        for line in lines:
            match = _LIST_ITEM.match(line)
            depth = len(line) - len(line.lstrip()) if line.strip() else indent
            if match and len(match.group(1).expandtabs()) <= indent:
                items.append(([match.group(3)], []))
            elif not items:
                items.append(([line.strip()], []))
            elif match or items[-1][1]:
                items[-1][1].append(line)
            elif depth > indent:
                items[-1][0].append(line.strip())
        for text_lines, nested in items:
            text = " ".join(text_lines)
            item = nodes.list_item("", nodes.paragraph(text, "", *self.inline(text)))
            if nested:
                item += self.list(nested)
            node += item
        return node

    def table(self, rows):
        def cells(row):
            row = row.strip()
            row = row[1:] if row.startswith("|") else row
            row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
            return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)]

        parsed = [cells(r) for r in rows]
        width = max(len(r) for r in parsed)
        table = nodes.table(classes=["md-table"])
        group = nodes.tgroup(cols=width)
        table += group
        for _ in range(width):
            group += nodes.colspec(colwidth=1)

        def make_row(values):
            row = nodes.row()
            for value in values + [""] * (width - len(values)):
                row += nodes.entry("", nodes.paragraph(value, "", *self.inline(value)))
            return row

        group += nodes.thead("", make_row(parsed[0]))
        body = nodes.tbody()
        for values in parsed[1:]:
            body += make_row(values)
        group += body
        return table

    # -- document ----------------------------------------------------------

    def convert(self, text, figure_patterns):
        items = self.blocks(text.splitlines())
        headings = [item for item in items if isinstance(item, tuple)]
        # The page has its own title: a leading top-level heading is dropped.
        if items and isinstance(items[0], tuple) and items[0][1] == 1:
            items = items[1:]
            headings = headings[1:]
        top = min((level for _, level, _ in headings), default=1)
        extra = self.extra_figures(figure_patterns)
        if extra:
            items.append(("heading", top, "More figures"))
            items.extend(extra)
        root, stack = [], []  # stack of (level, section)
        document = self.directive.state.document
        for item in items:
            if isinstance(item, tuple):
                _, level, title = item
                while stack and stack[-1][0] >= level:
                    stack.pop()
                section = nodes.section()
                section += nodes.title(title, "", *self.inline(title))
                section["names"].append(nodes.fully_normalize_name(title))
                document.note_implicit_target(section, section)
                (stack[-1][1] if stack else root).append(section)
                stack.append((level, section))
            else:
                (stack[-1][1] if stack else root).append(item)
        return root

    def extra_figures(self, patterns):
        found = []
        for pattern in patterns:
            for path in sorted(self.md_dir.glob(pattern)):
                path = path.resolve()
                if path.is_file() and path not in self.shown_images and path not in found:
                    found.append(path)
        figures = []
        for path in found:
            caption = path.stem.replace("_", " ").replace("-", " ")
            figures.extend(self.image(path.name, caption, caption=caption))
        return figures


class MarkdownInclude(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"figures": directives.unchanged}

    def run(self):
        relative, absolute = self.env.relfn2path(self.arguments[0], self.env.docname)
        md_path = Path(absolute)
        self.env.note_dependency(relative)
        self.env.markdown_include_docs = getattr(self.env, "markdown_include_docs", set())
        self.env.markdown_include_docs.add(self.env.docname)
        if not md_path.is_file():
            container = nodes.container(classes=["md-missing"])
            self.state.nested_parse(self.content, self.content_offset, container)
            return [container]
        patterns = (self.options.get("figures") or "").split()
        converter = _Converter(self, md_path)
        return converter.convert(md_path.read_text(encoding="utf-8"), patterns)


def _always_reread(app, env, added, changed, removed):
    # New figures can appear beside the Markdown without it changing.
    return sorted(getattr(env, "markdown_include_docs", set()) - set(removed))


def _purge(app, env, docname):
    getattr(env, "markdown_include_docs", set()).discard(docname)


def _merge(app, env, docnames, other):
    env.markdown_include_docs = getattr(env, "markdown_include_docs", set()) | getattr(
        other, "markdown_include_docs", set()
    )


def setup(app):
    app.add_directive("markdown-include", MarkdownInclude)
    app.connect("env-get-outdated", _always_reread)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
