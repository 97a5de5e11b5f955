"""Streamlit's own English words in its widgets, in Vietnamese: the file uploader's drop zone and its refusals, the
multiselect's "Select all" and "No results".

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
    "[data-baseweb='tooltip']", "[role='listbox']", "[data-testid='stTooltipContent']",
))

_SCRIPT = """
<span id="bhyt-vi"></span>
<style>[data-testid="stElementContainer"]:has(#bhyt-vi) { display: none; }</style>
<script>
(() => {
  if (window.bhytVietnamese) return;
  window.bhytVietnamese = true;
  const SCOPE = %(scope)s;
  const size = (text) => {
    const match = /^([0-9.]+)\\s*(KB|MB|GB)$/.exec(text.trim());
    if (!match) return text;
    return String(Number(match[1])).replace(".", ",") + " " + match[2];
  };
  const RULES = [
    [/^(.+?) per file$/, (m) => "Kéo thả tệp vào đây · tối đa " + size(m[1]) + " mỗi tệp"],
    [/^Upload$/, () => "Chọn tệp"],
    [/^Add files$/, () => "Thêm tệp"],
    [/^Drag and drop (a file|files) here$/, () => "Thả tệp vào đây"],
    [/^Error: $/, () => "Lỗi: "],
    [/^File must be (.+) or smaller\\.$/, (m) => "tệp lớn hơn " + size(m[1]) + ", không nhận. Chọn tệp nhỏ hơn."],
    [/^File is too large\\. Maximum size is (.+)\\.$/, (m) => "tệp quá lớn (tối đa " + m[1] + ")."],
    [/^(.*) files are not allowed\\.$/, (m) => "không nhận loại tệp " + m[1] + "."],
    [/^File type not allowed\\.$/, () => "không nhận loại tệp này."],
    [/^File type must be (.+)$/, (m) => "loại tệp phải là " + m[1]],
    [/^Only one file is allowed\\.$/, () => "chỉ nhận một tệp."],
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


def install() -> None:
    """Put the script on the page (once per browser tab: it stays when pages change)."""
    st.html(_SCRIPT % {"scope": json.dumps(_SCOPE)}, unsafe_allow_javascript=True)
