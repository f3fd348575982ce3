<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ApprovalDialog</name>
    <message>
        <location filename="../../posclient/ui/widgets.py" line="+69"/>
        <source>Supervisor approval</source>
        <translation>主管授权</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Supervisor number</source>
        <translation>主管工号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>CartColumn</name>
    <message>
        <location filename="../../posclient/ui/sell.py" line="+127"/>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discount</source>
        <translation>优惠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Total</source>
        <translation>金额</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../posclient/ui/login.py" line="+48"/>
        <source>Staff number</source>
        <translation>工号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Switch cashier</source>
        <translation>切换收银员</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Log in</source>
        <translation>收银员登录</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Locked: %1, enter your PIN</source>
        <translation>已锁定：%1，请输入密码</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Enter your staff number (digits only)</source>
        <translation>请输入工号（仅限数字）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../posclient/ui/main_window.py" line="+76"/>
        <source>Till %1 · %2</source>
        <translation>收银机 %1 · %2</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Enrolled, but sync cannot start (no keyring?): see the log</source>
        <translation>已注册，但无法启动同步（可能没有系统密钥环）：请查看日志</translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>%n receipt(s) were never printed: F11 prints them</source>
        <translation>
            <numerusform>有 %n 张小票未打印：按 F11 补打</numerusform>
        </translation>
    </message>
    <message>
        <location line="+33"/>
        <source>A sale is open: unlock, then finish or suspend it before switching cashier</source>
        <translation>当前有未完成的交易：请先解锁，结账或挂单后再切换收银员</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Change %1 · Receipt %2</source>
        <translation>找零 %1 · 小票号 %2</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No printer</source>
        <translation>未配置打印机</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Printer: %1</source>
        <translation>打印机：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Printer ready</source>
        <translation>打印机就绪</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>No sale</source>
        <translation>开钱箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why is the drawer opened?</source>
        <translation>开钱箱原因：</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No printer is set up on this till</source>
        <translation>本机未配置小票打印机</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Printing %n receipt(s) never printed</source>
        <translation>
            <numerusform>正在补打 %n 张未打印的小票</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reprint</source>
        <translation>重打小票</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Receipt number</source>
        <translation>小票号</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Payments were taken: finish or void the sale before closing the till</source>
        <translation>本单已收款：请先完成或作废本单，再关闭收银机</translation>
    </message>
</context>
<context>
    <name>PayDialog</name>
    <message>
        <location filename="../../posclient/ui/pay.py" line="+48"/>
        <source>Payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Amount (empty: all that is due)</source>
        <translation>金额（留空则收取全部应收）</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+48"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location line="-46"/>
        <location line="+46"/>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location line="-43"/>
        <source>Back to sale</source>
        <translation>返回销售</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Due %1</source>
        <translation>应收 %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Store credit</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 is not an amount</source>
        <translation>%1 不是有效金额</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Waiting for the card terminal…</source>
        <translation>等待刷卡终端响应…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Card approved</source>
        <translation>刷卡成功</translation>
    </message>
</context>
<context>
    <name>PrinterForm</name>
    <message>
        <location filename="../../posclient/ui/settings.py" line="+49"/>
        <source>No printer</source>
        <translation>不使用打印机</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Network (port 9100)</source>
        <translation>网络（9100 端口）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial port</source>
        <translation>串口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File or device path</source>
        <translation>文件或设备路径</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>80 mm (48 columns)</source>
        <translation>80 毫米（每行 48 字符）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>58 mm (32 columns)</source>
        <translation>58 毫米（每行 32 字符）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>USB vendor:product</source>
        <translation>USB 厂商:产品 ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial device</source>
        <translation>串口设备</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paper</source>
        <translation>纸宽</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <location filename="../../posclient/ui/sell.py" line="-78"/>
        <source>Find a product</source>
        <translation>查找商品</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>no price</source>
        <translation>无价格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stock %1</source>
        <translation>库存 %1</translation>
    </message>
</context>
<context>
    <name>SellPage</name>
    <message>
        <location line="+18"/>
        <location line="+230"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="-229"/>
        <location line="+241"/>
        <location line="+3"/>
        <source>Price</source>
        <translation>改价</translation>
    </message>
    <message>
        <location line="-243"/>
        <location line="+269"/>
        <source>Line discount</source>
        <translation>单品折扣</translation>
    </message>
    <message>
        <location line="-268"/>
        <location line="+276"/>
        <source>Sale discount</source>
        <translation>整单折扣</translation>
    </message>
    <message>
        <location line="-275"/>
        <source>Void line</source>
        <translation>单品作废</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Void sale</source>
        <translation>整单作废</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Suspend</source>
        <translation>挂单</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+309"/>
        <source>Resume</source>
        <translation>取单</translation>
    </message>
    <message>
        <location line="-308"/>
        <source>No sale</source>
        <translation>开钱箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reprint</source>
        <translation>重打小票</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+329"/>
        <source>Stock</source>
        <translation>库存查询</translation>
    </message>
    <message>
        <location line="-328"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Scan or type a barcode, item number or name</source>
        <translation>扫描或输入条码、货号或品名</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Member: —</source>
        <translation>会员：—</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Pay</source>
        <translation>结账</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Enter on an empty scan field</source>
        <translation>扫码框为空时按 Enter</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Subtotal</source>
        <translation>小计</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Discount</source>
        <translation>优惠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tax included</source>
        <translation>含税额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tax</source>
        <translation>税额</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Paid</source>
        <translation>已收</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Scan an item first</source>
        <translation>请先扫描商品</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>New quantity (grams for weighed items)</source>
        <translation>新数量（称重商品以克为单位）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not a whole number</source>
        <translation>%1 不是整数</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>New unit price</source>
        <translation>新单价</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reason for the change</source>
        <translation>改价原因</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 is not an amount</source>
        <translation>%1 不是有效金额</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>10% or an amount such as 5.00</source>
        <translation>输入折扣如 10% 或金额如 5.00</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Sale voided</source>
        <translation>本单已作废</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Sale suspended as number %1</source>
        <translation>已挂单，单号 %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No suspended sales</source>
        <translation>没有挂起的单据</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Suspended sales</source>
        <translation>挂起的单据</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Barcode, item number or name</source>
        <translation>条码、货号或品名</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Nothing found for %1</source>
        <translation>未找到“%1”</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../posclient/ui/settings.py" line="+24"/>
        <source>Settings and diagnostics</source>
        <translation>设置与诊断</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Receipt printer and cash drawer</source>
        <translation>小票打印机和钱箱</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save printer</source>
        <translation>保存打印机设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test page</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open drawer</source>
        <translation>开钱箱</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save (applies at the next start)</source>
        <translation>保存（下次启动时生效）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sync and diagnostics</source>
        <translation>同步与诊断</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Central</source>
        <translation>总部服务器</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not enrolled</source>
        <translation>未注册</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store / till</source>
        <translation>门店 / 收银机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last sync</source>
        <translation>上次同步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 (schema %2, %3 MB)</source>
        <translation>%1（结构版本 %2，%3 MB）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Log in first</source>
        <translation>请先登录</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Printer saved</source>
        <translation>打印机设置已保存</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No printer is set up on this till</source>
        <translation>本机未配置小票打印机</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Printing a test page…</source>
        <translation>正在打印测试页…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Test page sent</source>
        <translation>测试页已发送</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No cash drawer is connected</source>
        <translation>未连接钱箱</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drawer opened</source>
        <translation>钱箱已打开</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Language saved: it applies when the till starts again</source>
        <translation>语言已保存：收银机重新启动后生效</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sync started: watch the status bar</source>
        <translation>已开始同步：请留意状态栏</translation>
    </message>
</context>
<context>
    <name>SetupPage</name>
    <message>
        <location line="+18"/>
        <source>Set up this till</source>
        <translation>设置本收银机</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter the central&apos;s address and the one-time code from IT (posclient-central enrol-code).</source>
        <translation>请输入总部服务器地址和 IT 提供的一次性注册码（posclient-central enrol-code）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Central</source>
        <translation>总部服务器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enrolment code</source>
        <translation>注册码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Till name</source>
        <translation>收银机名称</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enrol</source>
        <translation>注册</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Enrolling…</source>
        <translation>正在注册…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Enrolled: loading the catalogue…</source>
        <translation>注册成功：正在加载商品目录…</translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <location filename="../../posclient/ui/widgets.py" line="+86"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Syncing…</source>
        <translation>同步中…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading catalogue…</source>
        <translation>正在加载商品目录…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync error</source>
        <translation>同步出错</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not enrolled</source>
        <translation>未注册</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>Waiting to upload: %n</source>
        <translation>
            <numerusform>待上传：%n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Held for a manager: %n</source>
        <translation>
            <numerusform>待店长处理：%n</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Store %1 · Till %2</source>
        <translation>门店 %1 · 收银机 %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cashier: %1</source>
        <translation>收银员：%1</translation>
    </message>
</context>
</TS>
