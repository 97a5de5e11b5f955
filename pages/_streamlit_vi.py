"""Streamlit's own English words in its widgets, in Vietnamese: the file uploader's drop zone and its refusals, the
multiselect's "Select all" and "No results", the "Press Enter to apply" under a field being typed in.

Streamlit 1.67 has no setting for its interface language. A small script, put on the page once by the entry, watches
the page and rewrites those texts (and their screen-reader labels) inside those widgets only: the words change, not
the widgets. Its table is exact English phrases of the installed Streamlit (static/js/FileUploader…, utils…,
Multiselect…), so a Streamlit upgrade that rewords them shows the English again: tests/browser/test_upload_limits.py
and the multiselect test catch that.
"""

from __future__ import annotations

import json

import streamlit as st

# Where the words are: the uploader and its file chips, the multiselect, and the lists and tooltips they open
# (rendered at the end of the page, outside the widget).
_SCOPE = ", ".join((
    "[data-testid='stFileUploader']", "[data-testid='stMultiSelect']", "[data-baseweb='popover']",
    "[data-baseweb='tooltip']", "[role='tooltip']", "[role='listbox']", "[data-testid='InputInstructions']",
))

_SCRIPT = """
<span id="bhyt-vi"></span>
<style>
[data-testid="stElementContainer"]:has(#bhyt-vi) { display: none; }
/* A refused file's reason, which Streamlit gives screen readers and a hover tooltip only, shown under its name. */
[data-testid="stFileChip"][aria-invalid="true"] { flex-wrap: wrap; max-width: 100%; }
[data-testid="stFileChip"][aria-invalid="true"] [role="alert"] {
  position: static; width: auto; height: auto; clip: auto; overflow: visible; white-space: normal;
  flex-basis: 100%; margin-top: 0.25rem; font-size: 0.875rem; color: inherit;
}
</style>
<script>
(() => {
  if (window.bhytVietnamese) return;
  window.bhytVietnamese = true;
  const SCOPE = "@SCOPE@";
  const size = (text) => {
    const match = /^([0-9.]+)\\s*(B|KB|MB|GB)$/.exec(text.trim());
    if (!match) return text;
    return String(Number(match[1])).replace(".", ",") + " " + match[2];
  };
  const RULES = [
    [/^(.+?) per file$/, (m) => "Kéo thả tệp vào đây · tối đa " + size(m[1]) + " mỗi tệp"],
    [/^Upload$/, () => "Chọn tệp"],
    [/^Add files$/, () => "Thêm tệp"],
    [/^add icon$/, () => "thêm tệp"],
    [/^upload icon$/, () => "chọn tệp"],
    [/^([0-9.]+\\s*(?:B|KB|MB|GB))$/, (m) => size(m[1])],
    [/^Drag and drop (a file|files) here$/, () => "Thả tệp vào đây"],
    [/^Error: $/, () => "Lỗi: "],
    [/^File must be (.+) or smaller\\.$/, (m) => "Tệp lớn hơn " + size(m[1]) + ": không nhận, chọn tệp nhỏ hơn."],
    [/^File is too large\\. Maximum size is (.+)\\.$/, (m) => "Tệp quá lớn (tối đa " + m[1] + ")."],
    [/^(.*) files are not allowed\\.$/, (m) => "Không nhận loại tệp " + m[1] + "."],
    [/^File type not allowed\\.$/, () => "Không nhận loại tệp này."],
    [/^File type must be (.+)$/, (m) => "Loại tệp phải là " + m[1]],
    [/^Only one file is allowed\\.$/, () => "Chỉ nhận một tệp."],
    [/^Upload failed$/, () => "Tải lên không thành công"],
    [/^Unexpected error\\. Please try again\\.$/, () => "Lỗi không mong đợi: thử lại."],
    [/^Click to retry upload$/, () => "Bấm để tải lên lại"],
    [/^Remove (.+)$/, (m) => "Bỏ " + m[1]],
    [/^Cancel upload of (.+)$/, (m) => "Hủy tải lên " + m[1]],
    [/^Select all$/, () => "Chọn tất cả"],
    [/^Select (\\d+) matches$/, (m) => "Chọn " + m[1] + " mục khớp"],
    [/^No results$/, () => "Không có kết quả"],
    [/^Clear all$/, () => "Bỏ chọn tất cả"],
    [/^Add: (.*)$/, (m) => "Thêm: " + m[1]],
    [/^Press Enter to submit form$/, () => "Nhấn Enter để gửi"],
    [/^Press Enter to apply$/, () => "Nhấn Enter để áp dụng"],
    [/^Press (⌘|Ctrl)\\+Enter to submit form$/, (m) => "Nhấn " + m[1] + "+Enter để gửi"],
    [/^Press (⌘|Ctrl)\\+Enter to apply$/, (m) => "Nhấn " + m[1] + "+Enter để áp dụng"],
  ];
  const translate = (text) => {
    for (const [pattern, make] of RULES) {
      const match = pattern.exec(text);
      if (match) return make(match);
    }
    return null;
  };
  const inScope = (node) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element !== null && element.closest(SCOPE) !== null;
  };
  const fixText = (node) => {
    if (!node.nodeValue || !inScope(node)) return;
    const done = translate(node.nodeValue);
    if (done !== null && done !== node.nodeValue) node.nodeValue = done;
  };
  const fixAttributes = (element) => {
    if (!inScope(element)) return;
    for (const name of ["aria-label", "title", "placeholder"]) {
      const value = element.getAttribute(name);
      const done = value && translate(value);
      if (done && done !== value) element.setAttribute(name, done);
    }
  };
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixAttributes(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) fixText(node); else fixAttributes(node);
    }
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "characterData") fixText(change.target);
      else if (change.type === "attributes") fixAttributes(change.target);
      else change.addedNodes.forEach(walk);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                            attributeFilter: ["aria-label", "title", "placeholder"]});
  walk(document.body);
})();
</script>
"""

_HTML = _SCRIPT.replace('"@SCOPE@"', json.dumps(_SCOPE))


def install() -> None:
    """Put the script on the page (once per browser tab: it stays when pages change)."""
    st.html(_HTML, unsafe_allow_javascript=True)
