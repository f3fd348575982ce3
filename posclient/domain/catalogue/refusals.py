"""Why the last sync stopped (a :class:`sync.errors.SyncError`'s ``code`` and details), for the
status bar and ``posclient status``: message id ``sync.<code>`` -> (Chinese, English)."""

from __future__ import annotations

REFUSALS: dict[str, tuple[str, str]] = {
    "sync.deadline": ("中心在 {seconds} 秒内没有答完：稍后自动重试",
                      "the central did not finish answering within {seconds} s: will retry"),
    "sync.answer_too_large": ("中心的应答超过 {limit_mb} MB，已拒收：请联系 IT",
                              "the central's answer was over {limit_mb} MB: refused, call IT"),
    "sync.answer_malformed": ("中心的应答无法解码：稍后自动重试",
                              "the central's answer could not be decoded: will retry"),
    "sync.snapshot_cut": ("全量数据下载中断（{done}/{records} 条），未写入任何数据：稍后自动重试",
                          "the full catalogue download broke off ({done} of {records} records); "
                          "nothing was written: will retry"),
    "sync.snapshot_count": ("全量数据条数不符，未写入任何数据：请联系 IT",
                            "the full catalogue's record count does not match; nothing was "
                            "written: call IT"),
    "sync.snapshot_digest": ("全量数据校验和不符，未写入任何数据：请联系 IT",
                             "the full catalogue does not match its digest; nothing was "
                             "written: call IT"),
    "sync.snapshot_malformed": ("全量数据格式有误，未写入任何数据：请联系 IT",
                                "the full catalogue is malformed; nothing was written: call IT"),
    "sync.snapshot_unverified": ("中心版本过旧，无法校验全量数据：请 IT 先升级中心",
                                 "the central is too old to send a verifiable catalogue: IT "
                                 "must upgrade the central"),
    "sync.cursor_back": ("中心的变更会让同步位置倒退（{cursor} → {next_after}），已拒收：请联系 IT",
                         "the central's changes would move this till back ({cursor} -> "
                         "{next_after}): refused, call IT"),
    "sync.page_refused": ("中心发来的变更有误，已拒收：请联系 IT",
                          "the central sent changes the till refused: call IT"),
    "sync.wrong_token": ("本机钥匙串中的令牌属于 {held}，不是本收银机 {own} 的：请重新注册"
                         "（posclient enrol --again）",
                         "this till's keyring holds the token of {held}, not {own}: enrol "
                         "again (posclient enrol --again)"),
    "sync.wrong_central": ("{where} 不是本收银机注册的中心：未发送也未接收任何数据",
                           "the central at {where} is not the one this till is enrolled with: "
                           "nothing was sent or taken in"),
}
