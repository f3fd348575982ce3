"""What the till says about its devices: the receipt printer's and the customer display's
settings, and the printer's faults. Message id -> (Chinese, English)."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    # -- the receipt printer's settings (devices/printer.py) -----------------------------------
    "printer_config.kind": (
        "未知的打印机类型 {kind!r}：请从 {choices} 中选择。",
        "Unknown printer kind {kind!r}: choose one of {choices}."),
    "printer_config.host": (
        "网络打印机需要填写地址：IP 地址或主机名。",
        "A network printer needs its host: an IP address or a name."),
    "printer_config.port": (
        "打印机端口 {port} 超出范围（1-65535，通常为 9100）。",
        "Printer port {port} is out of range (1-65535; usually 9100)."),
    "printer_config.timeout": (
        "打印机超时 {timeout} 秒超出范围（须大于 0，最多 30 秒）。",
        "Printer timeout {timeout} s is out of range (above 0, at most 30 s)."),
    "printer_config.usb_vendor": (
        "USB 打印机需要厂商 ID，十六进制 0001-ffff（lsusb 显示为 厂商:产品，如 04b8:0e15）；"
        "当前为 {value}。",
        "A USB printer needs its vendor id, 0001-ffff in hex (lsusb shows vendor:product, e.g. "
        "04b8:0e15); got {value}."),
    "printer_config.usb_product": (
        "USB 打印机需要产品 ID，十六进制 0001-ffff（lsusb 显示为 厂商:产品，如 04b8:0e15）；"
        "当前为 {value}。",
        "A USB printer needs its product id, 0001-ffff in hex (lsusb shows vendor:product, e.g. "
        "04b8:0e15); got {value}."),
    "printer_config.serial_device": (
        "串口打印机需要填写设备，如 /dev/ttyUSB0 或 COM3。",
        "A serial printer needs its device, e.g. /dev/ttyUSB0 or COM3."),
    "printer_config.baudrate": (
        "波特率 {baudrate} 无效，可选值为 {choices}。",
        "Baud rate {baudrate} is not one of {choices}."),
    "printer_config.file_path": (
        "文件打印机需要填写路径，如 /dev/usb/lp0。",
        "A file printer needs a path, e.g. /dev/usb/lp0."),
    "printer_config.width": (
        "纸宽 {width} 字符超出范围：80 毫米纸为 48，58 毫米纸为 32。",
        "Paper width {width} columns is out of range: 48 for 80 mm paper, 32 for 58 mm."),
    "printer_config.profile": (
        "未知的打印机型号 {profile!r}；大多数 80 毫米打印机可选 {default!r}。",
        "Unknown printer profile {profile!r}; {default!r} suits most 80 mm printers."),
    "printer_config.receipt_code": (
        "小票码 {receipt_code!r} 无效：请从 {choices} 中选择。",
        "Receipt code {receipt_code!r}: choose one of {choices}."),
    "printer_config.qr": (
        "型号 {profile!r} 不能打印二维码：请将小票码设为 code128。",
        "Profile {profile!r} cannot print QR codes: choose receipt code code128."),
    "printer_config.unknown_setting": (
        "未知的打印机设置项：{settings}",
        "Unknown printer setting(s): {settings}"),
    "printer_config.bad_value": (
        "打印机设置项 {setting} 的值无效：{value!r}",
        "Printer setting {setting} has a bad value: {value!r}"),
    # -- the customer display (devices/pole.py, ui/customer_display.py) ------------------------
    "display_config.kind": (
        "未知的客显杆连接方式 {kind!r}：请选择 {choices} 之一。",
        "Unknown pole display connection {kind!r}: choose one of {choices}."),
    "display_config.port": (
        "客显杆需要设置端口，例如 /dev/ttyUSB1 或 COM4。",
        "A pole display needs its port, e.g. /dev/ttyUSB1 or COM4."),
    "display_config.baudrate": (
        "波特率 {baudrate} 无效，可选值为 {choices}。",
        "Baud rate {baudrate} is not one of {choices}."),
    "display_config.charset": (
        "未知的客显杆字符集 {charset!r}：请选择 {choices} 之一。",
        "Unknown pole display character set {charset!r}: choose one of {choices}."),
    "display_config.bad_value": (
        "客显杆设置 {setting} 的值无效：{value!r}",
        "Pole display setting {setting} has a bad value: {value!r}"),
    "display_config.display_bad_value": (
        "顾客显示屏设置的值无效：{value!r}",
        "Customer display setting has a bad value: {value!r}"),
    "display_config.screen_name": (
        "在屏幕上显示的顾客显示屏需要指定屏幕名称。",
        "A customer display on a screen needs the name of the screen."),
    "display_config.display_kind": (
        "未知的顾客显示屏 {kind!r}：请选择 none、screen 或 pole。",
        "Unknown customer display {kind!r}: choose one of none, screen, pole."),
    "display_offline": (
        "无法写入 {address} 上的顾客显示屏。销售照常进行，不受影响。",
        "The customer display on {address} cannot be written to. Sales go on without it."),
    # -- the receipt printer's faults (devices/printer.py, PrinterFault) -----------------------
    # %1 the printer's address; the last placeholder what it means for the sale (may be empty).
    "not_configured": (
        "本收银机未配置小票打印机。{consequence:phrase}",
        "No receipt printer is set up for this till. {consequence:phrase}"),
    "paper_out.network": (
        "小票打印机（{address}）缺纸。{consequence:phrase}",
        "The receipt printer at {address} is out of paper. {consequence:phrase}"),
    "paper_out.usb": (
        "USB 小票打印机（{address}）缺纸。{consequence:phrase}",
        "The receipt printer on USB {address} is out of paper. {consequence:phrase}"),
    "paper_out.device": (
        "小票打印机（{address}）缺纸。{consequence:phrase}",
        "The receipt printer on {address} is out of paper. {consequence:phrase}"),
    "cover_open.network": (
        "小票打印机（{address}）纸仓盖未关好。{consequence:phrase}",
        "The cover of the receipt printer at {address} is open. {consequence:phrase}"),
    "cover_open.usb": (
        "USB 小票打印机（{address}）纸仓盖未关好。{consequence:phrase}",
        "The cover of the receipt printer on USB {address} is open. {consequence:phrase}"),
    "cover_open.device": (
        "小票打印机（{address}）纸仓盖未关好。{consequence:phrase}",
        "The cover of the receipt printer on {address} is open. {consequence:phrase}"),
    "offline.network": (
        "小票打印机（{address}）无响应。{consequence:phrase}",
        "The receipt printer at {address} does not answer. {consequence:phrase}"),
    "offline.usb": (
        "USB 小票打印机（{address}）未连接或未开机。{consequence:phrase}",
        "The USB receipt printer {address} is not connected or is switched off. "
        "{consequence:phrase}"),
    "offline.device": (
        "无法打开小票打印机（{address}）。{consequence:phrase}",
        "The receipt printer on {address} cannot be opened. {consequence:phrase}"),
    "offline.network_write": (
        "无法写入小票打印机（{address}）。{consequence:phrase}",
        "The receipt printer at {address} cannot be written to. {consequence:phrase}"),
    "offline.network_error": (
        "小票打印机（{address}）报告故障，已离线。{consequence:phrase}",
        "The receipt printer at {address} reports an error and is offline. {consequence:phrase}"),
    "offline.usb_error": (
        "USB 小票打印机（{address}）报告故障，已离线。{consequence:phrase}",
        "The receipt printer on USB {address} reports an error and is offline. "
        "{consequence:phrase}"),
    "offline.device_error": (
        "小票打印机（{address}）报告故障，已离线。{consequence:phrase}",
        "The receipt printer on {address} reports an error and is offline. {consequence:phrase}"),
    "driver_missing.usb": (
        "通过 USB 打印需要 pyusb 和 libusb 库（apt install libusb-1.0-0），其中之一未安装。"
        "{consequence:phrase}",
        "Printing over USB needs pyusb and the libusb library (apt install libusb-1.0-0); one "
        "of them is missing. {consequence:phrase}"),
    "driver_missing.serial": (
        "通过串口打印需要 pyserial 软件包，但尚未安装。{consequence:phrase}",
        "Printing over a serial port needs the pyserial package, which is not installed. "
        "{consequence:phrase}"),
}
