"""What ``posclient audit verify``, ``posclient status`` and ``posclient doctor`` say about the
till's audit log (posclient/store/audit.py): its problems and how it is keyed.
Message id -> (Chinese, English)."""

from __future__ import annotations

AUDIT: dict[str, tuple[str, str]] = {
    # -- problems: each makes ``audit verify`` exit 1 --------------------------------------------
    "audit.altered": (
        "第 {id} 条记录被改动过",
        "record {id} was altered"),
    "audit.not_chained": (
        "第 {id} 条记录与前一条记录接不上",
        "record {id} does not follow the record before it"),
    "audit.missing": (
        "第 {first} 至 {last} 条记录缺失",
        "records {first}..{last} are missing"),
    "audit.missing_sent": (
        "第 {first} 至 {last} 条记录缺失（中心已收到这些记录）",
        "records {first}..{last} are missing (the central has them)"),
    "audit.mac_wrong": (
        "第 {first} 至 {last} 条记录通不过本收银机密钥的校验（被改写后重算了哈希，"
        "或不是用本机的密钥写的）",
        "records {first}..{last} fail this till's key check (rewritten with their hashes "
        "computed again, or written with another key)"),
    "audit.unkeyed": (
        "第 {first} 至 {last} 条记录写在日志启用密钥之后，却没有本收银机的密钥（由别的程序写入，"
        "或写入时钥匙串无法读取）",
        "records {first}..{last} were written without this till's key after the log was keyed "
        "(by another program, or while the keyring could not be read)"),
    "audit.key_missing": (
        "无法从钥匙串读取本收银机的审计密钥，但审计日志曾用它签名：日志无法在本机按密钥核对，"
        "新记录也不带密钥。请联系 IT",
        "this till's audit key cannot be read from the keyring, though its audit log was keyed: "
        "the log cannot be checked against the key here, and new records are not keyed. Call IT"),
    "audit.head_missing": (
        "审计日志的头文件 {path} 不见了，而日志中已有记录：无法排除末尾的记录被删除",
        "the audit log's head file {path} is missing while the log holds records: records "
        "removed from its end cannot be ruled out"),
    "audit.head_invalid": (
        "审计日志的头文件 {path} 无法读取或通不过校验（被改动过，或属于另一个数据库）",
        "the audit log's head file {path} cannot be read or fails its check (edited, or another "
        "database's)"),
    "audit.tail_removed": (
        "第 {first} 至 {last} 条记录被删除了：头文件记得日志写到了第 {last} 条",
        "records {first}..{last} were removed: the head file remembers the log reaching record "
        "{last}"),
    "audit.head_mismatch": (
        "第 {id} 条记录不是头文件记住的那一条（被改写过）",
        "record {id} is not the one the head file remembers (rewritten)"),
    # -- how the log stands ----------------------------------------------------------------------
    "audit.intact": (
        "审计日志完好：共 {records} 条记录，每条的哈希都接在前一条之后",
        "audit log intact: {records} record(s), every hash chained to the one before"),
    "audit.problems": (
        "{records} 条审计记录中发现 {count} 个问题",
        "{count} problem(s) in {records} audit record(s)"),
    "audit.keyed": (
        "自第 {first} 条记录起用本收银机的密钥签名；头文件记得第 {head} 条",
        "keyed with this till's key from record {first} on; the head file remembers record "
        "{head}"),
    "audit.keyed_later": (
        "第 1 至 {last} 条记录写于本收银机有密钥之前，只有哈希链保护",
        "records 1..{last} were written before this till had its key: the hash chain alone "
        "protects them"),
    "audit.not_keyed.no_keyring": (
        "审计日志没有密钥保护：本机没有可用的钥匙串（posclient doctor 说明原因）。记录只靠 SHA-256 "
        "哈希链，整条链被重算改写在本机查不出来（中心在上传时仍会核对）",
        "the audit log is not keyed: this machine has no usable keyring (posclient doctor says "
        "why). The records are chained by SHA-256 alone: a rewrite with the chain computed again "
        "is not caught on this till (the central still checks each upload)"),
    "audit.not_keyed.not_yet": (
        "审计日志还没有密钥：收银机在有钥匙串的机器上启动时会生成。记录只靠 SHA-256 哈希链",
        "the audit log is not keyed yet: the key is made when the till starts on a machine with "
        "a keyring. The records are chained by SHA-256 alone"),
}
