<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AisleDialog</name>
    <message>
        <location filename="../../posclient/ui/aisle.py" line="+62"/>
        <source>Order for customer</source>
        <translation>为顾客订货</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>%1 from %2 (collected there)</source>
        <translation>%1，从%2订货（在该店自提）</translation>
    </message>
    <message>
        <location line="-65"/>
        <source>Quantity (at most %1)</source>
        <translation>数量（最多 %1）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Deposit paid now</source>
        <translation>本次支付的定金</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A deposit only</source>
        <translation>只付定金</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Deliver to the customer (paid in full now)</source>
        <translation>送货上门（现在全额付款）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 ships it to the customer&apos;s address. A delivery is paid in full at the till: no deposit.</source>
        <translation>由%1发货到顾客地址。送货上门须在收银台全额付款，不收定金。</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+26"/>
        <source>Delivery address</source>
        <translation>送货地址</translation>
    </message>
    <message>
        <location line="-19"/>
        <location line="+20"/>
        <source>Customer&apos;s name</source>
        <translation>顾客姓名</translation>
    </message>
    <message>
        <location line="-16"/>
        <location line="+17"/>
        <source>Customer&apos;s mobile</source>
        <translation>顾客手机号</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Deposit</source>
        <translation>定金</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 from %2 (delivered to the customer, paid in full now)</source>
        <translation>%1，从%2发货（送货上门，现在全额付款）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Order total %1</source>
        <translation>订单合计 %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Type the deposit, e.g. 20.00</source>
        <translation>请输入定金，例如 20.00</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <location filename="../../posclient/ui/widgets.py" line="+102"/>
        <source>Supervisor approval</source>
        <translation>主管授权</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Supervisor number</source>
        <translation>主管工号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>CardOrphansDialog</name>
    <message>
        <location filename="../../posclient/ui/card_orphans.py" line="+34"/>
        <location line="+40"/>
        <source>Card payments without a sale</source>
        <translation>未成交的银行卡付款</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>The card terminal approved these payments, but the till stopped before the sale was saved, and the terminal could not reverse them. Reverse each on the card terminal (or refund it to the card once the terminal&apos;s batch was settled), or complete it as a sale of its goods.</source>
        <translation>刷卡机已授权这些付款，但收银机在保存销售前停止，刷卡机也未能撤销。请逐笔在刷卡机上撤销（刷卡机批次已结算时可退款到银行卡），或将其补记为这些商品的销售。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Approved at</source>
        <translation>授权时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Goods</source>
        <translation>商品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reverse on the card terminal</source>
        <translation>在刷卡机上撤销</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refund to the card</source>
        <translation>退款到银行卡</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Complete as sale</source>
        <translation>补记为销售</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>not known</source>
        <translation>不明</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>A manager resolves card payments without a sale</source>
        <translation>未成交的银行卡付款须由经理处理</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving the sale…</source>
        <translation>正在保存销售…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the card terminal…</source>
        <translation>正在等待刷卡机…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reversed on the card terminal: %1</source>
        <translation>已在刷卡机上撤销：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The card terminal never charged this payment: nothing to give back</source>
        <translation>刷卡机从未扣这笔款：无需退款</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refunded to the card: %1</source>
        <translation>已退款到银行卡：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Completed as sale %1</source>
        <translation>已补记为销售 %1</translation>
    </message>
</context>
<context>
    <name>CartColumn</name>
    <message>
        <location filename="../../posclient/ui/sell.py" line="+65"/>
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
    <name>ChainStock</name>
    <message>
        <location filename="../../posclient/ui/chain_stock.py" line="+50"/>
        <source>never uploaded</source>
        <translation>从未上传</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 h ago</source>
        <translation>%1 小时前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 d ago</source>
        <translation>%1 天前</translation>
    </message>
</context>
<context>
    <name>ChainStockDialog</name>
    <message>
        <location line="+19"/>
        <source>Stock here and at other stores</source>
        <translation>本店及其他门店库存</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+44"/>
        <source>Barcode, item number or name</source>
        <translation>条码、货号或品名</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Store</source>
        <translation>门店</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Available</source>
        <translation>可用</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Updated</source>
        <translation>更新于</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Order for customer</source>
        <translation>为顾客订货</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Products found</source>
        <translation>找到的商品</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+3"/>
        <source>Other stores</source>
        <translation>其他门店</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>%1 orders the selected store&apos;s stock for the customer</source>
        <translation>%1 为顾客从所选门店订货</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Nothing found for %1</source>
        <translation>未找到“%1”</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Here: %1</source>
        <translation>本店：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no stock level known</source>
        <translation>库存未知</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Checking other stores…</source>
        <translation>正在查询其他门店…</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>No other store of this group has this item</source>
        <translation>本区域其他门店都没有该商品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live from the central</source>
        <translation>总部实时数据</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offline: other stores&apos; stock cannot be confirmed now</source>
        <translation>离线：现在无法确认其他门店的库存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing is kept on this till about other stores for this item</source>
        <translation>本收银机没有该商品在其他门店的库存记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Last checked: %1</source>
        <translation>上次查询：%1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Offline: cannot order from another store now</source>
        <translation>离线：现在无法向其他门店订货</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Select a store that has the item</source>
        <translation>请选择有货的门店</translation>
    </message>
</context>
<context>
    <name>CountDialog</name>
    <message>
        <location filename="../../posclient/ui/shift.py" line="+67"/>
        <source>Pieces of %1</source>
        <translation>%1 的张数</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Counted</source>
        <translation>已点数</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Card slips total</source>
        <translation>银行卡签购单合计</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Comment (a large difference: the manager&apos;s words)</source>
        <translation>备注（差额较大时由经理填写）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Counted: %1</source>
        <translation>已点：%1</translation>
    </message>
</context>
<context>
    <name>CustomerDisplayForm</name>
    <message>
        <location filename="../../posclient/ui/customer_display.py" line="+326"/>
        <location line="+33"/>
        <source>Customer display</source>
        <translation>顾客显示屏</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>No customer display</source>
        <translation>无顾客显示屏</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Screen %1 (%2x%3)</source>
        <translation>屏幕 %1（%2x%3）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Screen %1 (not connected)</source>
        <translation>屏幕 %1（未连接）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pole display (serial port)</source>
        <translation>客显杆（串口）</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+23"/>
        <source>Pole display port</source>
        <translation>客显杆端口</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Characters</source>
        <translation>字符集</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chinese (GB18030)</source>
        <translation>中文（GB18030）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>English only</source>
        <translation>仅英文</translation>
    </message>
</context>
<context>
    <name>CustomerDisplays</name>
    <message>
        <location line="-118"/>
        <source>Customer display: %1</source>
        <translation>顾客显示屏：%1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Customer display: screen %1 is not connected</source>
        <translation>顾客显示屏：屏幕 %1 未连接</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Customer display on %1 does not answer</source>
        <translation>%1 上的顾客显示屏无响应</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../posclient/ui/widgets.py" line="-72"/>
        <source>Backspace</source>
        <translation>退格</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Enter</source>
        <translation>确认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keypad</source>
        <translation>数字键盘</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../posclient/ui/login.py" line="+49"/>
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
        <location line="+7"/>
        <location line="+7"/>
        <source>Log in</source>
        <translation>收银员登录</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Locked: %1, enter your PIN</source>
        <translation>已锁定：%1，请输入密码</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Enter your staff number (digits only)</source>
        <translation>请输入工号（仅限数字）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../posclient/ui/main_window.py" line="+115"/>
        <source>Till %1 · %2</source>
        <translation>收银机 %1 · %2</translation>
    </message>
    <message>
        <location line="+97"/>
        <source>Enrolled, but sync cannot start (no keyring?): see the log</source>
        <translation>已注册，但无法启动同步（可能没有系统密钥环）：请查看日志</translation>
    </message>
    <message numerus="yes">
        <location line="+29"/>
        <source>%n receipt(s) were never printed: F11 prints them</source>
        <translation>
            <numerusform>有 %n 张小票未打印：按 F11 补打</numerusform>
        </translation>
    </message>
    <message>
        <location line="+34"/>
        <source>A sale is open: unlock, then finish or suspend it before switching cashier</source>
        <translation>当前有未完成的交易：请先解锁，结账或挂单后再切换收银员</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Change %1 · Receipt %2</source>
        <translation>找零 %1 · 小票号 %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Change %1 · Receipt %2 · return %3 · give back %4</source>
        <translation>找零 %1 · 小票 %2 · 退货单 %3 · 退还 %4</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Total %1</source>
        <translation>合计 %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Refunded %1 · return %2</source>
        <translation>已退款 %1 · 退货单 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Order %1 cancelled · return %2</source>
        <translation>订单 %1 已取消 · 退货单 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>give back %1 in cash</source>
        <translation>请退还现金 %1</translation>
    </message>
    <message>
        <location line="+27"/>
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
        <location line="+36"/>
        <source>No sale</source>
        <translation>开钱箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the cash drawer without a sale?</source>
        <translation>不做交易，直接打开钱箱？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Why is the drawer opened?</source>
        <translation>开钱箱原因：</translation>
    </message>
    <message>
        <location line="+16"/>
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
        <location line="+1"/>
        <source>Receipt or return number</source>
        <translation>小票号或退货单号</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Open the shift first: count the float in the drawer</source>
        <translation>请先开班：清点钱箱里的备用金</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Payments were taken: finish or void the sale before closing the till</source>
        <translation>本单已收款：请先完成或作废本单，再关闭收银机</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <location filename="../../posclient/ui/member.py" line="+66"/>
        <location line="+11"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Scan the member card or app code, or type a phone number</source>
        <translation>扫描会员卡或App会员码，或输入手机号</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+78"/>
        <source>No member chosen</source>
        <translation>未选择会员</translation>
    </message>
    <message>
        <location line="-73"/>
        <source>Attach to the sale</source>
        <translation>关联到本单</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove the member</source>
        <translation>取消会员</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Sign up a new member</source>
        <translation>注册新会员</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The customer agrees to the member terms and the privacy notice (version %1)</source>
        <translation>顾客同意会员条款和隐私声明（版本 %1）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The customer also agrees to receive marketing (optional)</source>
        <translation>顾客也同意接收营销信息（可选）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign up</source>
        <translation>注册</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name (optional)</source>
        <translation>姓名（可选）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Member code or phone</source>
        <translation>会员码或手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No more marketing</source>
        <translation>不再接收营销</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>End the membership…</source>
        <translation>终止会员资格…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 points</source>
        <translation>%1 积分</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Asking the central for this member…</source>
        <translation>正在向总部查询该会员…</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Member %1 signed up</source>
        <translation>会员 %1 已注册</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>End the membership</source>
        <translation>终止会员资格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>End %1&apos;s membership? Their personal data is erased everywhere; their points are lost. They can still buy as a guest.</source>
        <translation>终止 %1 的会员资格？其个人信息将在各处删除，积分作废。顾客仍可以非会员身份购物。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The membership has ended: the customer buys as a guest</source>
        <translation>会员资格已终止：顾客以非会员身份购物</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 receives no more marketing</source>
        <translation>%1 不再接收营销信息</translation>
    </message>
</context>
<context>
    <name>MoveDialog</name>
    <message>
        <location filename="../../posclient/ui/shift.py" line="+16"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>OrderCancelOffer</name>
    <message>
        <location filename="../../posclient/ui/order_cancel.py" line="+58"/>
        <source>Order placed at a till</source>
        <translation>门店下的订单</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Nothing of order %1 has been collected. If it was placed at a till, it can be cancelled and what was paid for it given back in cash.</source>
        <translation>订单 %1 尚未提货。如果是在门店下的订单，可以取消并以现金退还已付款。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel the order and give back its money in cash</source>
        <translation>取消订单，以现金退还已付款</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Order %1 · %2 × %3 · collect at %4 · paid %5 · nothing collected yet</source>
        <translation>订单 %1 · %2 × %3 · 在%4提货 · 已付 %5 · 尚未提货</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel the order and give back %1 in cash</source>
        <translation>取消订单，现金退还 %1</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Checking with the central…</source>
        <translation>正在向总部确认…</translation>
    </message>
</context>
<context>
    <name>PayDialog</name>
    <message>
        <location filename="../../posclient/ui/pay.py" line="+53"/>
        <location line="+116"/>
        <source>Payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <location line="-109"/>
        <source>Due</source>
        <translation>应付</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Amount (empty: all that is due)</source>
        <translation>金额（留空则收取全部应收）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+53"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="-48"/>
        <source>Back to sale</source>
        <translation>返回销售</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Tenders taken</source>
        <translation>已收款项</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Due %1</source>
        <translation>应收 %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cash %1</source>
        <translation>现金 %1</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>%1 is not an amount</source>
        <translation>%1 不是有效金额</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Take this cash?</source>
        <translation>确认收取这笔现金？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cash not taken: type the amount handed over</source>
        <translation>未收取现金：请输入顾客实付金额</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Type a whole number of points</source>
        <translation>请输入整数积分</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Waiting for the card terminal…</source>
        <translation>等待刷卡终端响应…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Card approved</source>
        <translation>刷卡成功</translation>
    </message>
</context>
<context>
    <name>PickupDialog</name>
    <message>
        <location filename="../../posclient/ui/pickup.py" line="+78"/>
        <source>Order pick-up</source>
        <translation>网购自提</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Scan the order&apos;s QR code, or type its number or the customer&apos;s phone</source>
        <translation>扫描订单二维码，或输入订单号、顾客手机号</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>from the customer&apos;s message; empty: a supervisor checks the order otherwise</source>
        <translation>见顾客收到的短信；留空：由主管以其他方式核实订单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pick-up code</source>
        <translation>提货码</translation>
    </message>
    <message>
        <location line="-35"/>
        <location line="+37"/>
        <location line="+10"/>
        <source>Hand over</source>
        <translation>交付</translation>
    </message>
    <message>
        <location line="-50"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ordered</source>
        <translation>订购</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Collected</source>
        <translation>已提</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+35"/>
        <location line="+52"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location line="-51"/>
        <source>Order lines</source>
        <translation>订单行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The last column: how many to hand over</source>
        <translation>最后一列：交付数量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>No order %1 on this till</source>
        <translation>本收银机上没有订单 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Asking the central for order %1…</source>
        <translation>正在向总部查询订单 %1…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Using this till&apos;s copy of the order: %1</source>
        <translation>使用本收银机保存的订单：%1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ready</source>
        <translation>已备货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>partly collected</source>
        <translation>部分已提</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>collected</source>
        <translation>已提货</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CANCELLED</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>DELIVERY: hand it to the courier (no pick-up code: a supervisor approves) · </source>
        <translation>送货上门：交给快递员（无取货码，需主管批准） · </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Order %1 · %2 %3 · %4 · paid online %5 of %6</source>
        <translation>订单 %1 · %2 %3 · %4 · 网上已付 %5 / 共 %6</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Hand over: %1</source>
        <translation>交付：%1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Order as the central has it now</source>
        <translation>总部的最新订单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This till&apos;s copy of the order</source>
        <translation>本收银机保存的订单</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Goods %1 · already paid %2 · to pay now %3</source>
        <translation>商品 %1 · 已付 %2 · 现付 %3</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Find the order first</source>
        <translation>请先查找订单</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The central is checking the pick-up code…</source>
        <translation>总部正在核对提货码…</translation>
    </message>
</context>
<context>
    <name>PrinterForm</name>
    <message>
        <location filename="../../posclient/ui/settings.py" line="+63"/>
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
    <name>QuickKeysPanel</name>
    <message>
        <location filename="../../posclient/ui/quick_keys.py" line="+67"/>
        <location line="+7"/>
        <source>Quick keys</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Weight in grams</source>
        <translation>重量（克）</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../posclient/ui/reasons.py" line="+67"/>
        <location line="+5"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Other…</source>
        <translation>其他…</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+2"/>
        <source>Other reason</source>
        <translation>其他原因</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Type the reason</source>
        <translation>请输入原因</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Enter the amount first</source>
        <translation>请先输入金额</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose or type a reason</source>
        <translation>请选择或输入原因</translation>
    </message>
</context>
<context>
    <name>ReceivingDialog</name>
    <message>
        <location filename="../../posclient/ui/stock.py" line="+225"/>
        <source>Receive a delivery</source>
        <translation>到货收货</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+55"/>
        <source>Deliveries and transfers this store expects</source>
        <translation>本店待收的到货单和调拨单</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>Delivery</source>
        <translation>到货单</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Note</source>
        <translation>送货单号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Units</source>
        <translation>件数</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Receive the selected one</source>
        <translation>收选中的到货单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Scan what arrived (code*12 for twelve)</source>
        <translation>扫描到货商品（条码*12 表示 12 件）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SKU</source>
        <translation>货号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Expected</source>
        <translation>应到</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Received</source>
        <translation>实收</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+94"/>
        <source>Correct the quantity</source>
        <translation>修改数量</translation>
    </message>
    <message>
        <location line="-93"/>
        <source>Post as received</source>
        <translation>确认收货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to the list</source>
        <translation>返回列表</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Enter or a double click receives the selected one</source>
        <translation>Enter 或双击收取所选的一项</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Received lines</source>
        <translation>已收货行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>transfer from %1</source>
        <translation>从 %1 调拨</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No delivery is expected (they arrive from the central)</source>
        <translation>没有待收的到货单（到货单由总部下发）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Select a delivery first</source>
        <translation>请先选择一张到货单</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Delivery %1 · %2 · %3 line(s) expected</source>
        <translation>到货单 %1 · %2 · 应到 %3 行</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>%1: %2 received</source>
        <translation>%1：已收 %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Select a line first</source>
        <translation>请先选择一行</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Received of %1</source>
        <translation>%1 的实收数量</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Delivery %1 received: %2 line(s), %3 with a difference</source>
        <translation>到货单 %1 已收货：共 %2 行，其中 %3 行有差异</translation>
    </message>
</context>
<context>
    <name>ReconcileDialog</name>
    <message>
        <location filename="../../posclient/ui/reconcile.py" line="+52"/>
        <source>Store reconciliation</source>
        <translation>门店对账</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+25"/>
        <location line="+50"/>
        <location line="+17"/>
        <source>Till</source>
        <translation>收银台</translation>
    </message>
    <message>
        <location line="-67"/>
        <location line="+15"/>
        <location line="+4"/>
        <source>Sales</source>
        <translation>销售</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Sales total</source>
        <translation>销售额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Returns</source>
        <translation>退货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refunded</source>
        <translation>退款额</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pick-ups</source>
        <translation>自提</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Z sales total (till)</source>
        <translation>Z 报表销售额（收银台）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Z agrees</source>
        <translation>与 Z 一致</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Upload</source>
        <translation>上传情况</translation>
    </message>
    <message>
        <location line="-19"/>
        <location line="+22"/>
        <source>Tills</source>
        <translation>收银台</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Tender</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Refunds</source>
        <translation>退款</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Net</source>
        <translation>净额</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Category</source>
        <translation>品类</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Totals</source>
        <translation>合计</translation>
    </message>
    <message>
        <location line="-34"/>
        <location line="+39"/>
        <source>Sales by hour</source>
        <translation>分时销售额</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hour</source>
        <translation>时</translation>
    </message>
    <message>
        <location line="-41"/>
        <location line="+42"/>
        <source>Tender mix</source>
        <translation>支付方式构成</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Card payment</source>
        <translation>银行卡付款</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="-93"/>
        <location line="+93"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <location line="-65"/>
        <location line="+66"/>
        <source>Card payments without a sale</source>
        <translation>未成交的银行卡付款</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>open: charged, nothing sold</source>
        <translation>待处理：已扣款，未成交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reversed</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>refunded to the card</source>
        <translation>已退款到银行卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>completed as a sale</source>
        <translation>已补记为销售</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Card payments without a sale (%1)</source>
        <translation>未成交的银行卡付款（%1）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Filed</source>
        <translation>登记时间</translation>
    </message>
    <message>
        <location line="-79"/>
        <location line="+93"/>
        <source>Held web refund: decide</source>
        <translation>暂扣的网上退款：请决定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pay the web refund out</source>
        <translation>同意网上退款</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refuse the web refund</source>
        <translation>拒绝网上退款</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>How it was resolved (required)</source>
        <translation>处理说明（必填）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolve the selected exception</source>
        <translation>处理选中的异常</translation>
    </message>
    <message>
        <location line="-104"/>
        <location line="+111"/>
        <source>Exceptions</source>
        <translation>异常</translation>
    </message>
    <message>
        <location line="-148"/>
        <location line="+32"/>
        <source>Reconciliation</source>
        <translation>对账</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ctrl+Tab turns the page</source>
        <translation>Ctrl+Tab 翻页</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tenders</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Categories</source>
        <translation>品类</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Selected exception</source>
        <translation>所选异常</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Store %1 · %2</source>
        <translation>门店 %1 · %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Asking the central…</source>
        <translation>正在向总部查询…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The central cannot be reached: these are this till&apos;s own figures (X report). %1 event(s) wait here to upload.</source>
        <translation>无法连接总部：以下是本收银台自己的数据（X 报表）。本机还有 %1 个事件等待上传。</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+33"/>
        <source>%1 waiting here</source>
        <translation>本机待传 %1</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>From the central, as of %1; every till&apos;s events received so far.</source>
        <translation>总部数据，截至 %1；包含目前已收到的各收银台事件。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>yes</source>
        <translation>一致</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no</source>
        <translation>不一致</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>missing %1</source>
        <translation>缺少 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>all received (to %1)</source>
        <translation>已全部收到（至 %1）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>last %1</source>
        <translation>最后 %1</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Exceptions (%1)</source>
        <translation>异常（%1）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sales %1 (%2)</source>
        <translation>销售 %1（%2 笔）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Returns %1 (%2)</source>
        <translation>退货 %1（%2 笔）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pick-ups %1 (%2)</source>
        <translation>自提 %1（%2 笔）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Net %1</source>
        <translation>净额 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>%1 event(s) behind it: %2</source>
        <translation>涉及 %1 个事件：%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> and %1 more</source>
        <translation> 等另外 %1 个</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>holds a web refund of %1: pay it out or refuse it</source>
        <translation>暂扣网上退款 %1：请同意或拒绝</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Select an exception first</source>
        <translation>请先选择一条异常</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Exception %1 resolved</source>
        <translation>异常 %1 已处理</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../posclient/ui/shift.py" line="+36"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+23"/>
        <source>Save as PDF</source>
        <translation>存为 PDF</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+28"/>
        <source>Save as CSV</source>
        <translation>存为 CSV</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No printer is set up on this till</source>
        <translation>本收银台未设置打印机</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <location line="+36"/>
        <location line="+4"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
<context>
    <name>ResumeDialog</name>
    <message>
        <location filename="../../posclient/ui/resume.py" line="+69"/>
        <source>Resume a suspended sale</source>
        <translation>取回挂单</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Suspended sales</source>
        <translation>挂起的交易</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Enter resumes the selected sale</source>
        <translation>Enter 恢复所选交易</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Other tills</source>
        <translation>其他收银台</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>#%1  %2  %3  at %4</source>
        <translation>#%1  %2  %3  %4</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Looking for other tills&apos; suspended sales…</source>
        <translation>正在查找其他收银机的挂单…</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>Till %1 · %2  %3  %n line(s)  at %4</source>
        <translation>
            <numerusform>收银机 %1 · %2  %3  %n 行  %4</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No other till has a suspended sale</source>
        <translation>其他收银机没有挂单</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the central could not be asked</source>
        <translation>无法询问总部</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other tills&apos; suspended sales: %1</source>
        <translation>其他收银机的挂单：%1</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Asking the central for the sale…</source>
        <translation>正在向总部取回挂单…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The sale could not be opened here (%1); it is kept on this till: resume it again in a moment</source>
        <translation>无法在此打开该挂单（%1）；已保存在本收银机：请稍后再次取单</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Resumed here; the other tills will hear of it when the central is back</source>
        <translation>已在本机取回；总部恢复连接后会通知其他收银机</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The central could not be asked; try again</source>
        <translation>无法询问总部，请重试</translation>
    </message>
</context>
<context>
    <name>ReturnDialog</name>
    <message>
        <location filename="../../posclient/ui/returns.py" line="+75"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bought</source>
        <translation>已购</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returned</source>
        <translation>已退</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Can return</source>
        <translation>可退</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>Return</source>
        <translation>退货</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Condition</source>
        <translation>状况</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Scan the receipt&apos;s code, or type a receipt or web order number</source>
        <translation>扫描小票上的二维码，或输入小票号、网店订单号</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Purchase</source>
        <translation>购买记录</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+16"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No receipt</source>
        <translation>无小票</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Exchange</source>
        <translation>换货</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The returned goods pay for new ones in the same basket; the difference is paid or refunded</source>
        <translation>退回的商品抵扣同一单的新商品；差额补付或退还</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Receipt or order</source>
        <translation>小票或订单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lines to return</source>
        <translation>退货行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Each line: the quantity back and its condition</source>
        <translation>每行：退回数量及其状态</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>This till&apos;s copy: a manager approves the refund</source>
        <translation>本收银台的记录：退款需经理批准</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Asking the central for %1…</source>
        <translation>正在向总部查询 %1…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>As the central has it now, with what was returned at any store</source>
        <translation>总部的最新记录，含各门店已退数量</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The central did not answer (%1): this till&apos;s copy is used, a manager approves the refund</source>
        <translation>总部没有回应（%1）：使用本收银台的记录，退款需经理批准</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Receipt %1</source>
        <translation>小票 %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Web order %1</source>
        <translation>网店订单 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>store %1 · %2</source>
        <translation>门店 %1 · %2</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Quantity back: %1</source>
        <translation>退回数量：%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Condition: %1</source>
        <translation>状态：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to stock</source>
        <translation>回库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Damaged</source>
        <translation>损坏</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No receipt: scan each item; refunded at today&apos;s price, a manager approves</source>
        <translation>无小票：逐件扫描；按今天的价格退款，需经理批准</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scan or type the item&apos;s barcode</source>
        <translation>扫描或输入商品条码</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Refund %1: %2</source>
        <translation>退款 %1：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>back to the card</source>
        <translation>退回银行卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>store credit</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>back to the web payment</source>
        <translation>退回网上支付</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Reserving the return at the central…</source>
        <translation>正在总部预留这笔退货…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>The central stopped answering: this till&apos;s copy is used, a manager approves the refund</source>
        <translation>总部停止响应：使用本收银台的记录，退款需经理批准</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <location filename="../../posclient/ui/search.py" line="+50"/>
        <source>Find a product</source>
        <translation>查找商品</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Product name, brand or code</source>
        <translation>商品名称、品牌或编码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter adds the first product found; arrow keys in the list choose</source>
        <translation>Enter 加入找到的第一个商品；在列表中用方向键选择</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Products found</source>
        <translation>找到的商品</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>no price</source>
        <translation>无价格</translation>
    </message>
</context>
<context>
    <name>SellPage</name>
    <message>
        <location line="-58"/>
        <source>stock %1</source>
        <translation>库存 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on hand %1 · reserved %2 · sellable %3</source>
        <translation>现有 %1 · 预留 %2 · 可售 %3</translation>
    </message>
    <message>
        <location filename="../../posclient/ui/sell.py" line="+321"/>
        <location filename="../../posclient/ui/sell_actions.py" line="+15"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+12"/>
        <location filename="../../posclient/ui/sell_actions.py" line="+1"/>
        <source>Price</source>
        <translation>改价</translation>
    </message>
    <message>
        <location line="+18"/>
        <location filename="../../posclient/ui/sell_actions.py" line="+1"/>
        <source>Line discount</source>
        <translation>单品折扣</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../../posclient/ui/sell_actions.py" line="+1"/>
        <source>Sale discount</source>
        <translation>整单折扣</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../../posclient/ui/sell_actions.py" line="+1"/>
        <source>Void line</source>
        <translation>单品作废</translation>
    </message>
    <message>
        <location line="+8"/>
        <location filename="../../posclient/ui/sell_actions.py" line="+1"/>
        <source>Void sale</source>
        <translation>整单作废</translation>
    </message>
    <message>
        <location filename="../../posclient/ui/sell_actions.py" line="+1"/>
        <source>Suspend</source>
        <translation>挂单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume</source>
        <translation>取单</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <source>Stock</source>
        <translation>库存查询</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pick-up</source>
        <translation>自提</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return</source>
        <translation>退货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../posclient/ui/sell.py" line="-315"/>
        <location filename="../../posclient/ui/sell_actions.py" line="+1"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../../posclient/ui/sell_actions.py" line="+1"/>
        <source>Stock count</source>
        <translation>盘点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receive</source>
        <translation>收货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reconcile</source>
        <translation>对账</translation>
    </message>
    <message>
        <location filename="../../posclient/ui/sell.py" line="-44"/>
        <source>Scan or type a barcode, item number or name</source>
        <translation>扫描或输入条码、货号或品名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan field</source>
        <translation>扫码框</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+3"/>
        <source>Last sale</source>
        <translation>上一笔交易</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cart</source>
        <translation>购物车</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>F6 voids the selected line</source>
        <translation>F6 作废所选行</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+77"/>
        <source>Member: —</source>
        <translation>会员：—</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>Totals</source>
        <translation>合计</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Pay</source>
        <translation>结账</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Enter on an empty scan field</source>
        <translation>扫码框为空时按 Enter</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>Subtotal</source>
        <translation>小计</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Promotion: %1</source>
        <translation>促销：%1</translation>
    </message>
    <message>
        <location line="+3"/>
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
        <location line="+6"/>
        <source>Paid</source>
        <translation>已收</translation>
    </message>
    <message>
        <location line="-130"/>
        <location line="+133"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location line="-61"/>
        <location line="+101"/>
        <location line="+264"/>
        <source>Member: %1</source>
        <translation>会员：%1</translation>
    </message>
    <message>
        <location line="-364"/>
        <source>%1 points</source>
        <translation>%1 积分</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Orders from other stores, paid now</source>
        <translation>他店订货（本次支付）</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Coupon %1: %2</source>
        <translation>优惠券 %1：%2</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Coupon %1 was already used (%2): it was taken off the sale</source>
        <translation>优惠券 %1 已被使用（%2）：已从本单移除</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>only %1 free: %2 are reserved for web orders</source>
        <translation>仅 %1 件可售：%2 件已为网上订单预留</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Scan an item first</source>
        <translation>请先扫描商品</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>New quantity (grams for weighed items)</source>
        <translation>新数量（称重商品以克为单位）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not a whole number</source>
        <translation>%1 不是整数</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New unit price</source>
        <translation>新单价</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 is not an amount</source>
        <translation>%1 不是有效金额</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+7"/>
        <source>10% or an amount such as 5.00</source>
        <translation>输入折扣如 10% 或金额如 5.00</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Sale voided</source>
        <translation>本单已作废</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Sale suspended as number %1</source>
        <translation>已挂单，单号 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No suspended sales</source>
        <translation>没有挂起的单据</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+22"/>
        <source>Finish or suspend the sale first</source>
        <translation>请先完成或挂起当前交易</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Pick-up of order %1: %2 to pay (Enter)</source>
        <translation>订单 %1 提货：应付 %2（按回车）</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Exchange: %1 of goods back. Scan the new items, then pay; the difference is paid or refunded</source>
        <translation>换货：退回商品 %1。请扫描新商品后付款；差额补付或退还</translation>
    </message>
    <message>
        <location filename="../../posclient/ui/aisle.py" line="-114"/>
        <source>%1 · order, delivery from %2</source>
        <translation>%1 · 订货，由%2送货</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 · order, collect at %2</source>
        <translation>%1 · 订货，在%2自提</translation>
    </message>
    <message>
        <location line="+133"/>
        <source>Offline: cannot order from another store now</source>
        <translation>离线：现在无法向其他门店订货</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Holding %1 at %2…</source>
        <translation>正在%2预留 %1…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Ordered from %1: %2 × %3, pay %4 now</source>
        <translation>已向%1订货：%2 × %3，本次应付 %4</translation>
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
        <location line="+21"/>
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
        <location line="+4"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Switch language</source>
        <translation>切换语言</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Customer display</source>
        <translation>顾客显示屏</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save customer display</source>
        <translation>保存顾客显示屏</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sync and diagnostics</source>
        <translation>同步与诊断</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+30"/>
        <source>Central</source>
        <translation>总部服务器</translation>
    </message>
    <message>
        <location line="-30"/>
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
        <location line="+8"/>
        <source>Enrol this till again</source>
        <translation>重新注册本收银机</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>a code made for this till by IT</source>
        <translation>IT 为本收银机生成的注册码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enrolment code</source>
        <translation>注册码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enrol again</source>
        <translation>重新注册</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Use this address (same central, no code)</source>
        <translation>改用此地址（同一中心，无需注册码）</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+69"/>
        <source>Log in first</source>
        <translation>请先登录</translation>
    </message>
    <message>
        <location line="-48"/>
        <source>Printer saved</source>
        <translation>打印机设置已保存</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Customer display saved</source>
        <translation>顾客显示屏已保存</translation>
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
        <location line="+21"/>
        <source>Enter the central&apos;s address and the code</source>
        <translation>请输入总部地址和注册码</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Enrolling…</source>
        <translation>正在注册…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Enrolled again as till %1: sync carries on</source>
        <translation>已重新注册为收银机 %1：同步继续</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>This till now uses the central at %1</source>
        <translation>本收银机现在使用位于 %1 的中心</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Sync started: watch the status bar</source>
        <translation>已开始同步：请留意状态栏</translation>
    </message>
</context>
<context>
    <name>SetupPage</name>
    <message>
        <location line="+20"/>
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
        <location line="+4"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+14"/>
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
    <name>ShiftDialog</name>
    <message>
        <location filename="../../posclient/ui/shift.py" line="+11"/>
        <source>Shift and reports</source>
        <translation>班次与报表</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+68"/>
        <source>Cash in</source>
        <translation>备用金存入</translation>
    </message>
    <message>
        <location line="-67"/>
        <location line="+67"/>
        <source>Paid out</source>
        <translation>支出</translation>
    </message>
    <message>
        <location line="-66"/>
        <location line="+67"/>
        <source>Safe drop</source>
        <translation>存入保险柜</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>Close shift (blind count)</source>
        <translation>交班（盲点）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>X report</source>
        <translation>X 报表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Z report (end of day)</source>
        <translation>Z 报表（日结）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>No shift is open</source>
        <translation>没有未结束的班次</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Shift %1 open since %2 (staff %3) · float %4</source>
        <translation>班次 %1 自 %2 开班（员工 %3）· 备用金 %4</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Float of the new shift</source>
        <translation>新班次的备用金</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Shift %1 opened with %2</source>
        <translation>班次 %1 已开班，备用金 %2</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1: %2 recorded</source>
        <translation>%1：已记录 %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Blind count: count the drawer</source>
        <translation>盲点：请清点钱箱</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store credit</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shift %1 closed. Over (+) or short (-): %2</source>
        <translation>班次 %1 已交班。长款（+）或短款（-）：%2</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Z report</source>
        <translation>Z 报表</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Make the Z report now and list them in it?</source>
        <translation>现在做 Z 报表并将它们列入吗？</translation>
    </message>
</context>
<context>
    <name>StockCountDialog</name>
    <message>
        <location filename="../../posclient/ui/stock.py" line="-303"/>
        <source>Stock count</source>
        <translation>库存盘点</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A shelf</source>
        <translation>单个货架</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The whole store</source>
        <translation>全店</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shelf or aisle (e.g. aisle 3)</source>
        <translation>货架或通道（如 3 号通道）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+31"/>
        <source>Count</source>
        <translation>盘点</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Scan an item (code*5 counts five)</source>
        <translation>扫描商品（条码*5 表示 5 件）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SKU</source>
        <translation>货号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Expected</source>
        <translation>账面</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Counted</source>
        <translation>实盘</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+60"/>
        <source>Correct the count</source>
        <translation>修改盘点数</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>Post the count</source>
        <translation>提交盘点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Counted lines</source>
        <translation>已盘点行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>%1: %2 counted</source>
        <translation>%1：已盘 %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Select a line first</source>
        <translation>请先选择一行</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Counted of %1</source>
        <translation>%1 的实盘数量</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Count posted: %1 line(s), %2 with a difference</source>
        <translation>盘点已提交：共 %1 行，其中 %2 行有差异</translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <location filename="../../posclient/ui/widgets.py" line="+230"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting to upload</source>
        <translation>等待上传</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last sync</source>
        <translation>上次同步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Store and till</source>
        <translation>门店和收银台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <location line="+11"/>
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
    <message>
        <location line="+1"/>
        <source>Another till&apos;s token: enrol again</source>
        <translation>密钥属于其他收银机：请重新注册</translation>
    </message>
    <message numerus="yes">
        <location line="+16"/>
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
<context>
    <name>Tender</name>
    <message>
        <location filename="../../posclient/ui/fmt.py" line="+14"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store credit</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paid online</source>
        <translation>网上已付</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exchange credit</source>
        <translation>换货抵扣</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
</context>
</TS>
