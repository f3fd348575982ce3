"""Why the last sync stopped, in the till's language (the status bar, ``posclient status``).

A :class:`sync.errors.SyncError` with a ``code`` is stored with its details
(``sync_state.error_code``/``error_details``); :func:`describe` words it in Chinese or English.
One catalogue for the window and the command line, as the printed reports have
(posclient/app/reports.py): the command line runs without Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# code -> (Chinese, English); {name} is a detail of the refusal.
REFUSALS: dict[str, tuple[str, str]] = {
    "deadline": ("中心在 {seconds} 秒内没有答完：稍后自动重试",
                 "the central did not finish answering within {seconds} s: will retry"),
    "answer_too_large": ("中心的应答超过 {limit_mb} MB，已拒收：请联系 IT",
                         "the central's answer was over {limit_mb} MB: refused, call IT"),
    "answer_malformed": ("中心的应答无法解码：稍后自动重试",
                         "the central's answer could not be decoded: will retry"),
    "snapshot_cut": ("全量数据下载中断（{done}/{records} 条），未写入任何数据：稍后自动重试",
                     "the full catalogue download broke off ({done} of {records} records); "
                     "nothing was written: will retry"),
    "snapshot_count": ("全量数据条数不符，未写入任何数据：请联系 IT",
                       "the full catalogue's record count does not match; nothing was "
                       "written: call IT"),
    "snapshot_digest": ("全量数据校验和不符，未写入任何数据：请联系 IT",
                        "the full catalogue does not match its digest; nothing was written: "
                        "call IT"),
    "snapshot_malformed": ("全量数据格式有误，未写入任何数据：请联系 IT",
                           "the full catalogue is malformed; nothing was written: call IT"),
    "snapshot_unverified": ("中心版本过旧，无法校验全量数据：请 IT 先升级中心",
                            "the central is too old to send a verifiable catalogue: IT must "
                            "upgrade the central"),
    "cursor_back": ("中心的变更会让同步位置倒退（{cursor} → {next_after}），已拒收：请联系 IT",
                    "the central's changes would move this till back ({cursor} -> "
                    "{next_after}): refused, call IT"),
    "page_refused": ("中心发来的变更有误，已拒收：请联系 IT",
                     "the central sent changes the till refused: call IT"),
    "wrong_token": ("本机钥匙串中的令牌属于 {held}，不是本收银机 {own} 的：请重新注册"
                    "（posclient enrol --again）",
                    "this till's keyring holds the token of {held}, not {own}: enrol again "
                    "(posclient enrol --again)"),
    "wrong_central": ("{where} 不是本收银机注册的中心：未发送也未接收任何数据",
                      "the central at {where} is not the one this till is enrolled with: "
                      "nothing was sent or taken in"),
}


def describe(code: str | None, details: Mapping[str, Any], lang: str) -> str | None:
    """The refusal ``code`` in ``lang`` ("zh..." or English); None for no code or an unknown
    one (the English message is then all there is)."""
    texts = REFUSALS.get(code or "")
    if texts is None:
        return None
    template = texts[0] if lang.startswith("zh") else texts[1]
    try:
        return template.format(**details)
    except (KeyError, IndexError, ValueError):
        return template.split("（")[0].split(" (")[0]
