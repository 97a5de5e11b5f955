"""Copy buttons for what a donor types into their banking app (account, amount, transfer message): on a phone the
QR cannot be scanned by the phone that shows it, so these are copied and pasted instead."""

from __future__ import annotations

import html
import json

import streamlit as st

_STYLE = """
<style>
.bhyt-copy {display: flex; flex-direction: column; gap: .4rem; width: 100%; max-width: 100%;}
.bhyt-copy .row {display: flex; align-items: center; gap: .5rem; flex-wrap: wrap;
  border: 1px solid rgba(49, 51, 63, .2); border-radius: .5rem; padding: .35rem .6rem;}
.bhyt-copy .what {flex: 1 1 12rem; min-width: 0;}
.bhyt-copy .label {display: block; font-size: .8rem; opacity: .7;}
.bhyt-copy .value {display: block; font-weight: 600; overflow-wrap: anywhere;}
.bhyt-copy button {flex: 0 0 auto; min-height: 2.5rem; padding: .3rem .9rem; border-radius: .5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, .3); background: #fff; font: inherit;}
.bhyt-copy button.done {border-color: #21c354; color: #177233;}
</style>
"""
# navigator.clipboard needs a secure page (https or localhost); on plain http the old execCommand way still copies.
_SCRIPT = """
<script>
(() => {
  const copy = async (text) => {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); return; }
    const area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select(); document.execCommand("copy"); area.remove();
  };
  document.querySelectorAll(".bhyt-copy button[data-copy]").forEach((button) => {
    if (button.dataset.bound) return;
    button.dataset.bound = "1";
    button.addEventListener("click", async () => {
      try { await copy(JSON.parse(button.dataset.copy)); button.textContent = "Đã chép"; button.classList.add("done"); }
      catch (error) { button.textContent = "Không chép được: giữ tay lên chữ để chép"; }
    });
  });
})();
</script>
"""


def copy_buttons(items: list[tuple[str, str, str]]) -> None:
    """One row per item: its label, the value as shown, and a «Sao chép» button that copies the value to copy
    (an amount is copied as plain digits, which every banking app takes)."""
    rows = "".join(
        f'<div class="row"><div class="what"><span class="label">{html.escape(label)}</span>'
        f'<span class="value">{html.escape(shown)}</span></div>'
        f'<button type="button" data-copy="{html.escape(json.dumps(value))}" '
        f'aria-label="Sao chép {html.escape(label.lower())}">Sao chép</button></div>'
        for label, shown, value in items)
    st.html(f'{_STYLE}<div class="bhyt-copy">{rows}</div>{_SCRIPT}', unsafe_allow_javascript=True)
