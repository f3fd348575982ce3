"""What the till says about a member QR token (posclient/domain/member_token.py): message id ->
(Chinese, English). Each refusal says what the cashier can do: the customer refreshes the code
in the app, or the member card or phone number is used instead."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    "member_token_invalid.oversized": (
        "该二维码过长（会员码最多 {max_chars} 个字符），不是会员码",
        "That code is too long to be a member code ({max_chars} characters at most)"),
    "member_token_invalid.version": (
        "无法识别该会员码的版本：请顾客在应用中刷新会员码，或改用会员卡或手机号",
        "This member code is of a kind the till does not know: ask the customer to refresh it "
        "in the app, or use the member card or phone number"),
    "member_token_invalid.malformed": (
        "会员码无法读取（已损坏或不完整）：请顾客在应用中刷新会员码后重新扫描",
        "The member code cannot be read (damaged or cut off): ask the customer to refresh it in "
        "the app and scan it again"),
    "member_token_invalid.unknown_key": (
        "本机尚不认识会员码的签名密钥 {kid}：请同步本机，或改用会员卡或手机号",
        "This till does not know the member code's signing key {kid} yet: sync the till, or "
        "use the member card or phone number"),
    "member_token_invalid.forged": (
        "会员码签名无效（被伪造或篡改）：不能使用",
        "The member code's signature is not valid (forged or altered): it cannot be used"),
    "member_token_invalid.future": (
        "会员码的签发时间晚于本机时间：请检查本机时钟，或改用会员卡或手机号",
        "The member code was issued later than this till's time: check the till's clock, or "
        "use the member card or phone number"),
    "member_token_expired": (
        "会员码已过期：请顾客在应用中刷新会员码",
        "The member code has expired: ask the customer to refresh it in the app"),
    "points_token_cap": (
        "仅凭会员码本次最多可用 {cap} 积分（本次已用 {used}）",
        "With a member code only, at most {cap} points can be used per visit ({used} used so "
        "far)"),
}
