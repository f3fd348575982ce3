<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ApprovalDialog</name>
    <message>
        <location filename="../../posclient/ui/widgets.py" line="+100"/>
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
        <location filename="../../posclient/ui/sell.py" line="+77"/>
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
        <location filename="../../posclient/ui/customer_display.py" line="+325"/>
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
        <location line="-117"/>
        <source>Customer display: %1</source>
        <translation>顾客显示屏：%1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Customer display: screen %1 is not connected</source>
        <translation>顾客显示屏：屏幕 %1 未连接</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Customer display on %1 does not answer</source>
        <translation>%1 上的顾客显示屏无响应</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../posclient/ui/messages.py" line="+112"/>
        <source>a cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Price override</source>
        <translation>改价</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discount over limit</source>
        <translation>超额折扣</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Void paid line</source>
        <translation>作废已收款商品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Void sale</source>
        <translation>整单作废</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No sale</source>
        <translation>开钱箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unlock staff</source>
        <translation>解锁工号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reprint</source>
        <translation>重打小票</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Configure terminal</source>
        <translation>修改收银机设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pickup without code</source>
        <translation>无提货码提货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return without receipt</source>
        <translation>无小票退货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return over limit</source>
        <translation>超额退货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return outside policy</source>
        <translation>超出退货政策</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return offline</source>
        <translation>离线退货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paid out</source>
        <translation>支出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cash variance</source>
        <translation>现金差额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Z report</source>
        <translation>Z 报表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock adjust</source>
        <translation>库存调整</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock receive</source>
        <translation>收货入库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reconcile</source>
        <translation>门店对账</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolve exception</source>
        <translation>处理异常</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolve card orphan</source>
        <translation>处理未成交的银行卡付款</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>store_credit</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paid online</source>
        <translation>网上已付</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+7"/>
        <source>points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>web</source>
        <translation>网上支付</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Declined by the card issuer (insufficient funds)</source>
        <translation>发卡行拒绝（余额不足）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No answer from the card terminal</source>
        <translation>刷卡终端无响应</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown authorisation</source>
        <translation>找不到该笔授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Already reversed</source>
        <translation>已撤销过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot reverse: the batch was settled</source>
        <translation>无法撤销：该批次已结算</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount does not match the authorisation</source>
        <translation>金额与授权不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refund declined by the card issuer</source>
        <translation>发卡行拒绝退款</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sale is saved; reprint when it is back.</source>
        <translation>交易已保存，打印机恢复后请补打小票。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The drawer was not opened.</source>
        <translation>钱箱未打开。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Nothing was scanned</source>
        <translation>未扫描到任何内容</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unknown barcode %1: it is not in this store&apos;s catalogue. Check the item, or find it by name.</source>
        <translation>条码 %1 不在本店商品库中，请核对商品或按名称查找。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scale label %1: item %2 is not in this store&apos;s catalogue</source>
        <translation>电子秤标签 %1：商品 %2 不在本店商品库中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No item with number %1</source>
        <translation>没有货号为 %1 的商品</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scale label %1 carries a weight but %2 is sold by the unit</source>
        <translation>电子秤标签 %1 是称重标签，但“%2”按件销售</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not a product barcode or item number</source>
        <translation>%1 不是商品条码或货号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This number is not a product barcode or item number</source>
        <translation>该号码不是商品条码或货号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is not a product barcode (expected 8, 12, 13 or 14 digits)</source>
        <translation>%1 不是商品条码（应为 8、12、13 或 14 位数字）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Barcode %1 failed its check digit: scan it again or type it carefully</source>
        <translation>条码 %1 校验位错误：请重新扫描或仔细输入</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scale label %1 failed its check digit: reprint the label</source>
        <translation>电子秤标签 %1 校验位错误：请重新打印标签</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (%2) is no longer sold</source>
        <translation>%1（%2）已停售</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 (%2) has no price: call a supervisor</source>
        <translation>%1（%2）没有价格：请联系主管</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Tax rate %1 is not set up on this till</source>
        <translation>本收银机未设置税率 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>There is no product %1</source>
        <translation>没有编号为 %1 的商品</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the quantity after * must be a whole number</source>
        <translation>%1：* 后面的数量必须是整数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quantity must be a whole number</source>
        <translation>数量必须是整数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight must be more than 0 g</source>
        <translation>重量必须大于 0 克</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity must be at least 1</source>
        <translation>数量至少为 1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Weight %1 kg is more than the %2 kg a line may hold: check the scale</source>
        <translation>重量 %1 千克超过单行上限 %2 千克：请检查电子秤</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Quantity %1 is more than the %2 a line may hold</source>
        <translation>数量 %1 超过单行上限 %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A scale label&apos;s quantity cannot be changed: weigh the item again</source>
        <translation>电子秤标签商品不能修改数量：请重新称重</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>There is no line %1 in this sale</source>
        <translation>本单没有第 %1 行</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A sale may have at most %1 lines: finish this one and start another</source>
        <translation>每单最多 %1 行：请先结完本单，再开新单</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Price in %1, but this till sells in %2</source>
        <translation>价格币种为 %1，但本收银机以 %2 结算</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This sale is paid in %1</source>
        <translation>本单以 %1 结算</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 was paid in %2; this till refunds in %3</source>
        <translation>%1 以 %2 支付；本收银台以 %3 退款</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A label price must be more than zero</source>
        <translation>标签价格必须大于零</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A price cannot be negative</source>
        <translation>价格不能为负数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Price %1 is above the till&apos;s limit: check the amount</source>
        <translation>价格 %1 超过收银机上限：请核对金额</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A scale label&apos;s price cannot be overridden</source>
        <translation>电子秤标签商品不能改价</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Give a reason for the price change</source>
        <translation>请填写改价原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give a reason for opening the drawer</source>
        <translation>请填写开钱箱原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give a reason for the return</source>
        <translation>请填写退货原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give a reason for the cash movement</source>
        <translation>请填写现金进出的原因</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not a reason for this</source>
        <translation>%1 不是此操作可用的原因</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a reason from the list</source>
        <translation>请从列表中选择原因</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A percent discount must be more than 0% and at most 100%</source>
        <translation>折扣百分比必须大于 0% 且不超过 100%</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A discount amount must be more than zero</source>
        <translation>折扣金额必须大于零</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not a discount: use 10% or an amount such as 5.00</source>
        <translation>%1 不是有效折扣：请输入如 10% 的百分比或如 5.00 的金额</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The discount is more than the line&apos;s amount</source>
        <translation>折扣超过该行金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is nothing to discount</source>
        <translation>没有可打折的金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The discount is more than the sale&apos;s amount</source>
        <translation>折扣超过整单金额</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This would bring the total below what was already paid: void the sale to give the payments back</source>
        <translation>修改后合计将低于已收金额：如需退还已收款项，请整单作废</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>There is nothing to suspend</source>
        <translation>没有可挂起的商品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan an item first</source>
        <translation>请先扫描商品</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A sale with payments cannot be suspended: finish or void it</source>
        <translation>已收款的单据不能挂单：请完成结账或整单作废</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Finish or suspend the current sale before resuming another</source>
        <translation>请先完成或挂起当前单据，再取单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Finish or suspend the sale before opening the drawer</source>
        <translation>请先完成或挂起当前单据，再开钱箱</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no suspended sale %1</source>
        <translation>没有单号为 %1 的挂单</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The suspended sale cannot be read; it was left as it is</source>
        <translation>无法读取该挂单，已原样保留</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This sale was already resumed at another till</source>
        <translation>该挂单已在另一台收银机上取回</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The central does not know this suspended sale</source>
        <translation>总部没有这笔挂单</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The suspended sale came without its cart</source>
        <translation>取回的挂单没有商品明细</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The central cannot be reached now: try again in a moment</source>
        <translation>暂时无法连接总部：请稍后重试</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>There is no order %1 on this till</source>
        <translation>本收银机上没有订单 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The central has no order %1</source>
        <translation>总部没有订单 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Order %1 has no line %2</source>
        <translation>订单 %1 没有第 %2 行</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Order %1 is delivered, not collected in store</source>
        <translation>订单 %1 为送货上门，不在门店自提</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Order %1 is to be collected at store %2</source>
        <translation>订单 %1 应在门店 %2 自提</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Order %1 was cancelled: there is nothing to hand over</source>
        <translation>订单 %1 已取消：没有可交付的商品</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Order %1 cannot be handed over at this till: its prices are not in this store&apos;s currency with tax included</source>
        <translation>订单 %1 无法在本收银机交付：其价格不是本店币种的含税价</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Order %1 does not add up at this till</source>
        <translation>订单 %1 在本收银机上金额不符</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Item %1 of order %2 is not in this till&apos;s catalogue yet: sync, then try again</source>
        <translation>订单 %2 的商品 %1 尚未同步到本收银机：请同步后重试</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>That is not this order&apos;s pick-up code</source>
        <translation>提货码与该订单不符</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose at least one item to hand over</source>
        <translation>请至少选择一件要交付的商品</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Line %1 of order %2 has %3 left to collect, not %4</source>
        <translation>订单 %2 第 %1 行还剩 %3 件待提，不是 %4 件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not discountable: it is sold at its full price</source>
        <translation>%1 不参与任何折扣：按原价销售</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This is the pick-up of order %1: its items cannot be changed (void it to start again)</source>
        <translation>这是订单 %1 的提货：商品不能修改（作废后重新开始）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is not a receipt of this till nor an order it holds: with the central away, only those can be returned</source>
        <translation>%1 不是本收银台的小票，也不是本机保存的订单：总部连不上时只能退这些</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The central knows no receipt or order %1</source>
        <translation>总部没有小票或订单 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The central no longer knows this purchase</source>
        <translation>总部已找不到这笔购买</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 has no line %2</source>
        <translation>%1 没有第 %2 行</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Goods are coming back in this basket: finish the exchange or void it first</source>
        <translation>本单有退回的商品：请先完成换货或作废本单</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Find the purchase first</source>
        <translation>请先找到原购买记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Line %1 of %2 (%3) has %4 left to return, not %5</source>
        <translation>%2 第 %1 行（%3）还可退 %4 件，不能退 %5 件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Line %1 of %2 is weighed: it comes back whole</source>
        <translation>%2 第 %1 行是称重商品：只能整行退回</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is sold by weight: scan its scale label</source>
        <translation>%1 按重量销售：请扫描它的称重标签</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not a quantity that can be returned</source>
        <translation>%1 不是可退的数量</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose at least one item to return</source>
        <translation>请至少选择一件要退的商品</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not a condition (restock or damaged)</source>
        <translation>%1 不是有效的商品状况（回库或损坏）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The return is not reserved at the central yet</source>
        <translation>这笔退货尚未在总部预留</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>With the central away a return may refund at most %1</source>
        <translation>总部连不上时，每笔退货最多退款 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This till may refund only %1 more without the central today</source>
        <translation>今天本收银台在离线状态下最多还能退款 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The central refused the return: %1</source>
        <translation>总部拒绝了这笔退货：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The central no longer holds this return</source>
        <translation>总部已不再保留这笔退货</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no return %1</source>
        <translation>没有退货单 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The refund must be %1 in all</source>
        <translation>退款合计必须是 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 cannot take a refund</source>
        <translation>%1 不能用于退款</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That %1 payment can take back only %2: give the rest in cash</source>
        <translation>这笔%1付款最多只能退回 %2：其余请退现金</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The card terminal did not refund %1 (%2): nothing was recorded. Try again, or give the refund in cash.</source>
        <translation>刷卡机没有退款 %1（%2）：未记录任何内容。请重试，或改退现金。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No shift is open on this till: open one with its float first</source>
        <translation>本收银台没有未结束的班次：请先清点备用金开班</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A shift is already open on this till: close it first</source>
        <translation>本收银台已有未结束的班次：请先交班</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not a cash movement</source>
        <translation>%1 不是现金进出类型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The amount must be more than zero</source>
        <translation>金额必须大于零</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The amount must not be negative</source>
        <translation>金额不能为负数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The drawer should hold only %1</source>
        <translation>钱箱里应只有 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The count is off by more than the store allows: the manager must say why</source>
        <translation>点钞差额超过门店允许的范围：需经理说明原因</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Z report of %1 was already made on this till</source>
        <translation>本收银台 %1 的 Z 报表已经做过</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 event(s) still wait to upload: sync first, or confirm to list them in the report</source>
        <translation>还有 %1 个事件等待上传：请先同步，或确认后将它们列入报表</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>There is no Z report %1</source>
        <translation>没有 Z 报表 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not a %2 note or coin</source>
        <translation>%1 不是%2的纸币或硬币面额</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not a number of notes or coins</source>
        <translation>%1 不是有效的张数或枚数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not a count scope (shelf or store)</source>
        <translation>%1 不是盘点范围（货架或全店）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not a quantity that can be counted</source>
        <translation>%1 不是可盘点的数量</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Product %1 was not counted</source>
        <translation>商品 %1 未盘点</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scan at least one item to count</source>
        <translation>请至少扫描一件要盘点的商品</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This till has no delivery %1</source>
        <translation>本收银机上没有到货单 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delivery %1 was already received</source>
        <translation>到货单 %1 已经收货</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delivery %1 was cancelled</source>
        <translation>到货单 %1 已取消</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not a quantity that can be received</source>
        <translation>%1 不是可收货的数量</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Product %1 is not in this delivery</source>
        <translation>商品 %1 不在这张到货单中</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scan what arrived first</source>
        <translation>请先扫描到货的商品</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open the reconciliation as a manager first</source>
        <translation>请先由店长打开门店对账</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Say how the exception was resolved</source>
        <translation>请说明异常是如何处理的</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The comment is too long (%1 characters at most)</source>
        <translation>说明太长（最多 %1 个字）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The central has no reconciliation for this store</source>
        <translation>总部没有本店的对账数据</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The central has no exception %1 for this store</source>
        <translation>总部没有本店的异常 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This exception holds a web refund: choose to pay it out or to refuse it</source>
        <translation>此异常暂扣了一笔网上退款：请选择退款或拒绝</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Coupon %1 is not valid here and now</source>
        <translation>优惠券 %1 在此时此店不可用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The central knows no coupon %1</source>
        <translation>总部没有优惠券 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The central refused the request: ask IT to look at the till&apos;s log</source>
        <translation>总部拒绝了请求：请 IT 查看收银机日志</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This sale is shared with the other tills: it is claimed at the central first</source>
        <translation>该挂单已与其他收银机共享：需先向总部认领</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This till cannot use the central: %1</source>
        <translation>本收银机无法使用中心：%1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This till cannot prove itself to the central (its token is not in the keyring): call IT to enrol it again</source>
        <translation>本收银机无法向总部证明身份（密钥环中没有令牌）：请联系 IT 重新注册</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 is more than the till accepts (%2 at most)</source>
        <translation>%1 超过本收银机可接受的金额（最多 %2）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cash of %1 for %2 due gives %3 change, more than a %4 note: check the amount</source>
        <translation>应收 %2，收现金 %1，需找零 %3，超过一张 %4 面额：请核对金额</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cash of %1 for %2 due would give %3 change: more than the till gives. Check the amount</source>
        <translation>应收 %2，收现金 %1，需找零 %3：超出本收银机可找零的上限，请核对金额</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>There is no card payment %1 waiting to be resolved</source>
        <translation>没有待处理的银行卡付款 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The card terminal cannot reverse %1 (%2). Complete it as a sale of the goods, or give the money back another way.</source>
        <translation>刷卡机无法撤销 %1（%2）。请将其补记为商品销售，或以其他方式退款给顾客。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The card terminal did not refund %1 (%2): nothing was recorded. Try again, or give the money back another way.</source>
        <translation>刷卡机未能退款 %1（%2）：未做任何记录。请重试，或以其他方式退款给顾客。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The card terminal never confirmed this payment: reverse it instead</source>
        <translation>刷卡机从未确认这笔付款：请改为撤销</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A refund of this card payment is already under way or done: nothing was sent to the card terminal</source>
        <translation>这笔银行卡付款的退款已在进行或已完成：未向刷卡机发送任何请求</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This card payment was resolved meanwhile (another window or command): nothing was recorded</source>
        <translation>这笔银行卡付款已在别处处理（另一个窗口或命令）：未做任何记录</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The till does not know what this card payment was for: reverse it, or give the money back another way</source>
        <translation>收银机不知道这笔银行卡付款买的是什么：请撤销，或以其他方式退款给顾客</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This card payment was for a pick-up or an exchange: reverse it, or give the money back another way</source>
        <translation>这笔银行卡付款用于自提或换货：请撤销，或以其他方式退款给顾客</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The card terminal never confirmed this payment: it cannot be sold against</source>
        <translation>刷卡机从未确认这笔付款：不能据此补记销售</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The card paid %1 of %2; the rest was never recorded: reverse it, or give the money back another way</source>
        <translation>银行卡支付了 %2 中的 %1，其余部分从未记录：请撤销，或以其他方式退款给顾客</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Unknown pole display connection %1: choose one of %2.</source>
        <translation>未知的客显杆连接方式 %1：请选择 %2 之一。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A pole display needs its port, e.g. /dev/ttyUSB1 or COM4.</source>
        <translation>客显杆需要设置端口，例如 /dev/ttyUSB1 或 COM4。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unknown pole display character set %1: choose one of %2.</source>
        <translation>未知的客显杆字符集 %1：请选择 %2 之一。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pole display setting %1 has a bad value: %2</source>
        <translation>客显杆设置 %1 的值无效：%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Customer display setting has a bad value: %1</source>
        <translation>顾客显示屏设置的值无效：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A customer display on a screen needs the name of the screen.</source>
        <translation>在屏幕上显示的顾客显示屏需要指定屏幕名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unknown customer display %1: choose one of none, screen, pole.</source>
        <translation>未知的顾客显示屏 %1：请选择 none、screen 或 pole。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The customer display on %1 cannot be written to. Sales go on without it.</source>
        <translation>无法写入 %1 上的顾客显示屏。销售照常进行，不受影响。</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Scan the member&apos;s card or type a phone number</source>
        <translation>请扫描会员卡或输入手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That member QR code is empty</source>
        <translation>该会员二维码为空</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No member %1: check the card or the number, or sign the customer up</source>
        <translation>没有会员 %1：请核对会员卡或号码，或为顾客注册</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Member %1 is no longer active</source>
        <translation>会员 %1 已停用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The customer must agree to the member terms first</source>
        <translation>须先征得顾客同意会员条款</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not a phone number</source>
        <translation>%1 不是手机号</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The name is too long (100 characters at most)</source>
        <translation>姓名过长（最多100个字符）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is already member %2</source>
        <translation>%1 已是会员 %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Money was already taken: the member can no longer change (void the payments first)</source>
        <translation>已收款：不能再更换会员（请先撤销付款）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Attach the member first: points belong to a member</source>
        <translation>请先关联会员：积分属于会员</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This store does not take points</source>
        <translation>本店不接受积分支付</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The member has only %1 points to spend</source>
        <translation>该会员只有 %1 积分可用</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Redeem more than zero points</source>
        <translation>使用的积分须大于零</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Points are redeemed in steps of %1</source>
        <translation>积分须按 %1 的整数倍使用</translation>
    </message>
    <message>
        <location line="-614"/>
        <source>The suspended sale is in %1, this till sells in %2</source>
        <translation>该挂单币种为 %1，本收银机使用 %2</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>The central cannot be reached: try again, or resume the sale at the till that suspended it</source>
        <translation>无法连接总部：请重试，或在挂单的收银机上取回</translation>
    </message>
    <message>
        <location line="+247"/>
        <source>The central sent an answer the till cannot read</source>
        <translation>总部返回的数据无法读取</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This till is not connected to a central</source>
        <translation>本收银机未连接总部</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A payment must be more than zero</source>
        <translation>付款金额必须大于零</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This sale is already paid</source>
        <translation>本单已付清</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 payment of %2 is more than the %3 still due</source>
        <translation>%1付款 %2 超过尚欠金额 %3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is still due</source>
        <translation>尚欠 %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Card declined: %1. Ask for another card or another way to pay.</source>
        <translation>银行卡被拒：%1。请顾客换一张卡或改用其他付款方式。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The card terminal did not answer in time. Check it is on and connected, then try again; the card was not charged.</source>
        <translation>刷卡终端未及时响应，本次未扣款。请检查终端已开机并连接好，然后重试。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The card payment %1 could not be reversed (%2); the sale stays open. Try again or call a supervisor.</source>
        <translation>银行卡付款 %1 撤销失败（%2），本单仍未关闭。请重试或联系主管。</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>There is no store credit account %1</source>
        <translation>没有储值卡账户 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Store credit %1 has only %2 left</source>
        <translation>储值卡 %1 余额仅剩 %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Store credit %1 no longer covers %2</source>
        <translation>储值卡 %1 余额已不足 %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>There is no sale with receipt number %1</source>
        <translation>没有小票号为 %1 的交易</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>There is no sale %1</source>
        <translation>没有编号为 %1 的交易</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Wrong staff number or PIN</source>
        <translation>工号或密码错误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong staff number or PIN (%1 tries left before the staff number is locked)</source>
        <translation>工号或密码错误（再错 %1 次工号将被锁定）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Staff %1 is locked after too many wrong PINs: try again in %2 min, or ask a manager to unlock it</source>
        <translation>工号 %1 因密码错误次数过多已被锁定：请 %2 分钟后再试，或请店长解锁</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wrong PIN. Staff %1 is now locked for %2 minutes; a manager can unlock it</source>
        <translation>密码错误。工号 %1 已被锁定 %2 分钟；店长可以解锁</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The till is locked: enter your PIN to continue</source>
        <translation>收银机已锁定：请输入密码继续</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 needs %2&apos;s approval</source>
        <translation>%1需要%2授权</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (%2) is %3 and cannot approve this: it needs %4</source>
        <translation>%1（%2）是%3，无权授权此操作：需要%4授权</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Staff cannot approve their own action</source>
        <translation>不能为自己的操作授权</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no staff member %1</source>
        <translation>没有工号为 %1 的员工</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unknown printer kind %1: choose one of %2.</source>
        <translation>未知的打印机类型 %1：请从 %2 中选择。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A network printer needs its host: an IP address or a name.</source>
        <translation>网络打印机需要填写地址：IP 地址或主机名。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Printer port %1 is out of range (1-65535; usually 9100).</source>
        <translation>打印机端口 %1 超出范围（1-65535，通常为 9100）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Printer timeout %1 s is out of range (above 0, at most 30 s).</source>
        <translation>打印机超时 %1 秒超出范围（须大于 0，最多 30 秒）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A USB printer needs its vendor id, 0001-ffff in hex (lsusb shows vendor:product, e.g. 04b8:0e15); got %1.</source>
        <translation>USB 打印机需要厂商 ID，十六进制 0001-ffff（lsusb 显示为 厂商:产品，如 04b8:0e15）；当前为 %1。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A USB printer needs its product id, 0001-ffff in hex (lsusb shows vendor:product, e.g. 04b8:0e15); got %1.</source>
        <translation>USB 打印机需要产品 ID，十六进制 0001-ffff（lsusb 显示为 厂商:产品，如 04b8:0e15）；当前为 %1。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A serial printer needs its device, e.g. /dev/ttyUSB0 or COM3.</source>
        <translation>串口打印机需要填写设备，如 /dev/ttyUSB0 或 COM3。</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+21"/>
        <source>Baud rate %1 is not one of %2.</source>
        <translation>波特率 %1 无效，可选值为 %2。</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>A file printer needs a path, e.g. /dev/usb/lp0.</source>
        <translation>文件打印机需要填写路径，如 /dev/usb/lp0。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paper width %1 columns is out of range: 48 for 80 mm paper, 32 for 58 mm.</source>
        <translation>纸宽 %1 字符超出范围：80 毫米纸为 48，58 毫米纸为 32。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unknown printer profile %1; %2 suits most 80 mm printers.</source>
        <translation>未知的打印机型号 %1；大多数 80 毫米打印机可选 %2。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Receipt code %1: choose one of %2.</source>
        <translation>小票码 %1 无效：请从 %2 中选择。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Profile %1 cannot print QR codes: choose receipt code code128.</source>
        <translation>型号 %1 不能打印二维码：请将小票码设为 code128。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unknown printer setting(s): %1</source>
        <translation>未知的打印机设置项：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Printer setting %1 has a bad value: %2</source>
        <translation>打印机设置项 %1 的值无效：%2</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>No receipt printer is set up for this till. %1</source>
        <translation>本收银机未配置小票打印机。%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The receipt printer at %1 is out of paper. %2</source>
        <translation>小票打印机（%1）缺纸。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The receipt printer on USB %1 is out of paper. %2</source>
        <translation>USB 小票打印机（%1）缺纸。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The receipt printer on %1 is out of paper. %2</source>
        <translation>小票打印机（%1）缺纸。%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The cover of the receipt printer at %1 is open. %2</source>
        <translation>小票打印机（%1）纸仓盖未关好。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The cover of the receipt printer on USB %1 is open. %2</source>
        <translation>USB 小票打印机（%1）纸仓盖未关好。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The cover of the receipt printer on %1 is open. %2</source>
        <translation>小票打印机（%1）纸仓盖未关好。%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The receipt printer at %1 does not answer. %2</source>
        <translation>小票打印机（%1）无响应。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The USB receipt printer %1 is not connected or is switched off. %2</source>
        <translation>USB 小票打印机（%1）未连接或未开机。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The receipt printer on %1 cannot be opened. %2</source>
        <translation>无法打开小票打印机（%1）。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The receipt printer at %1 cannot be written to. %2</source>
        <translation>无法写入小票打印机（%1）。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The receipt printer at %1 reports an error and is offline. %2</source>
        <translation>小票打印机（%1）报告故障，已离线。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The receipt printer on USB %1 reports an error and is offline. %2</source>
        <translation>USB 小票打印机（%1）报告故障，已离线。%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The receipt printer on %1 reports an error and is offline. %2</source>
        <translation>小票打印机（%1）报告故障，已离线。%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Printing over USB needs pyusb and the libusb library (apt install libusb-1.0-0); one of them is missing. %1</source>
        <translation>通过 USB 打印需要 pyusb 和 libusb 库（apt install libusb-1.0-0），其中之一未安装。%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Printing over a serial port needs the pyserial package, which is not installed. %1</source>
        <translation>通过串口打印需要 pyserial 软件包，但尚未安装。%1</translation>
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
        <location filename="../../posclient/ui/main_window.py" line="+103"/>
        <source>Till %1 · %2</source>
        <translation>收银机 %1 · %2</translation>
    </message>
    <message>
        <location line="+93"/>
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
        <location line="+38"/>
        <source>Change %1 · Receipt %2</source>
        <translation>找零 %1 · 小票号 %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Change %1 · Receipt %2 · return %3 · give back %4</source>
        <translation>找零 %1 · 小票 %2 · 退货单 %3 · 退还 %4</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Total %1</source>
        <translation>合计 %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Refunded %1 · return %2</source>
        <translation>已退款 %1 · 退货单 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>give back %1 in cash</source>
        <translation>请退还现金 %1</translation>
    </message>
    <message>
        <location line="+22"/>
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
        <source>Open the cash drawer without a sale?</source>
        <translation>不做交易，直接打开钱箱？</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Why is the drawer opened?</source>
        <translation>开钱箱原因：</translation>
    </message>
    <message>
        <location line="+15"/>
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
        <location line="+72"/>
        <source>Payments were taken: finish or void the sale before closing the till</source>
        <translation>本单已收款：请先完成或作废本单，再关闭收银机</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <location filename="../../posclient/ui/member.py" line="+46"/>
        <location line="+10"/>
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
        <source>No member chosen</source>
        <translation>未选择会员</translation>
    </message>
    <message>
        <location line="+5"/>
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
        <location line="+12"/>
        <source>Member code or phone</source>
        <translation>会员码或手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 points</source>
        <translation>%1 积分</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Member %1 signed up</source>
        <translation>会员 %1 已注册</translation>
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
    <name>PayDialog</name>
    <message>
        <location filename="../../posclient/ui/pay.py" line="+52"/>
        <location line="+116"/>
        <source>Payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <location line="-110"/>
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
        <location line="+54"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="-49"/>
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
        <location line="+14"/>
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
        <location line="+27"/>
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
    <name>PickupDialog</name>
    <message>
        <location filename="../../posclient/ui/pickup.py" line="+62"/>
        <source>Order pick-up</source>
        <translation>网购自提</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Scan the order&apos;s QR code, or type its number or the customer&apos;s phone</source>
        <translation>扫描订单二维码，或输入订单号、顾客手机号</translation>
    </message>
    <message>
        <location line="+19"/>
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
        <location line="+9"/>
        <source>Hand over</source>
        <translation>交付</translation>
    </message>
    <message>
        <location line="-49"/>
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
        <location line="+19"/>
        <location line="+33"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <location line="+25"/>
        <source>No order %1 on this till</source>
        <translation>本收银机上没有订单 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Asking the central for order %1…</source>
        <translation>正在向总部查询订单 %1…</translation>
    </message>
    <message>
        <location line="+19"/>
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
        <location line="+3"/>
        <source>Order %1 · %2 %3 · %4 · paid online %5 of %6</source>
        <translation>订单 %1 · %2 %3 · %4 · 网上已付 %5 / 共 %6</translation>
    </message>
    <message>
        <location line="+18"/>
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
        <location line="+9"/>
        <source>Find the order first</source>
        <translation>请先查找订单</translation>
    </message>
</context>
<context>
    <name>PrinterForm</name>
    <message>
        <location filename="../../posclient/ui/settings.py" line="+60"/>
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
        <location filename="../../posclient/ui/quick_keys.py" line="+68"/>
        <source>Quick keys</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location line="+55"/>
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
        <location filename="../../posclient/ui/stock.py" line="+220"/>
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
        <location line="+23"/>
        <source>Delivery %1 received: %2 line(s), %3 with a difference</source>
        <translation>到货单 %1 已收货：共 %2 行，其中 %3 行有差异</translation>
    </message>
</context>
<context>
    <name>ReconcileDialog</name>
    <message>
        <location filename="../../posclient/ui/reconcile.py" line="+50"/>
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
        <location filename="../../posclient/ui/returns.py" line="+71"/>
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
        <location line="+11"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+8"/>
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
        <location line="+37"/>
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
        <location line="+6"/>
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
        <location line="+27"/>
        <source>Reserving the return at the central…</source>
        <translation>正在总部预留这笔退货…</translation>
    </message>
    <message>
        <location line="+25"/>
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
        <location filename="../../posclient/ui/sell.py" line="-37"/>
        <location line="+338"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="-337"/>
        <location line="+349"/>
        <source>Price</source>
        <translation>改价</translation>
    </message>
    <message>
        <location line="-348"/>
        <location line="+366"/>
        <source>Line discount</source>
        <translation>单品折扣</translation>
    </message>
    <message>
        <location line="-365"/>
        <location line="+372"/>
        <source>Sale discount</source>
        <translation>整单折扣</translation>
    </message>
    <message>
        <location line="-371"/>
        <location line="+378"/>
        <source>Void line</source>
        <translation>单品作废</translation>
    </message>
    <message>
        <location line="-377"/>
        <location line="+385"/>
        <source>Void sale</source>
        <translation>整单作废</translation>
    </message>
    <message>
        <location line="-384"/>
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
        <location line="+521"/>
        <source>Stock</source>
        <translation>库存查询</translation>
    </message>
    <message>
        <location line="-520"/>
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
        <location line="+1"/>
        <location line="+80"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="-79"/>
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
        <location line="+33"/>
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
        <location line="+128"/>
        <source>Member: —</source>
        <translation>会员：—</translation>
    </message>
    <message>
        <location line="-125"/>
        <source>Totals</source>
        <translation>合计</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Pay</source>
        <translation>结账</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Enter on an empty scan field</source>
        <translation>扫码框为空时按 Enter</translation>
    </message>
    <message>
        <location line="+84"/>
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
        <location line="+4"/>
        <source>Paid</source>
        <translation>已收</translation>
    </message>
    <message>
        <location line="-116"/>
        <location line="+119"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+288"/>
        <source>Member: %1</source>
        <translation>会员：%1</translation>
    </message>
    <message>
        <location line="-287"/>
        <source>%1 points</source>
        <translation>%1 积分</translation>
    </message>
    <message>
        <location line="+43"/>
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
        <location line="+18"/>
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
        <location line="+23"/>
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
        <location line="+64"/>
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
        <location line="+10"/>
        <location line="+67"/>
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
        <location line="+22"/>
        <source>This till now uses the central at %1</source>
        <translation>本收银机现在使用位于 %1 的中心</translation>
    </message>
    <message>
        <location line="+13"/>
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
        <location line="+4"/>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+17"/>
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
        <location line="+67"/>
        <source>Cash in</source>
        <translation>备用金存入</translation>
    </message>
    <message>
        <location line="-66"/>
        <location line="+66"/>
        <source>Paid out</source>
        <translation>支出</translation>
    </message>
    <message>
        <location line="-65"/>
        <location line="+66"/>
        <source>Safe drop</source>
        <translation>存入保险柜</translation>
    </message>
    <message>
        <location line="-65"/>
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
        <location line="+27"/>
        <source>%1: %2 recorded</source>
        <translation>%1：已记录 %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Blind count: count the drawer</source>
        <translation>盲点：请清点钱箱</translation>
    </message>
    <message>
        <location line="+23"/>
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
        <location filename="../../posclient/ui/stock.py" line="-299"/>
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
        <location line="+24"/>
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
