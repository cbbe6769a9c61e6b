"""The console's words in Chinese and English; the language comes from a cookie (the 中文 / English toggle) or
the browser's Accept-Language. A missing key raises, so a test that renders every page catches it."""

from __future__ import annotations

LANGUAGES = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # layout and navigation
    "console": ("销售控制台", "Sales console"),
    "home": ("概览", "Overview"),
    "leads": ("线索", "Leads"),
    "outbox": ("投递", "Deliveries"),
    "transcripts": ("对话记录", "Transcripts"),
    "quotes": ("报价", "Quotes"),
    "demand": ("未满足需求", "Unmet demand"),
    "analytics": ("分析", "Analytics"),
    "users": ("账号", "Users"),
    "audit": ("审计日志", "Audit log"),
    "logout": ("退出", "Log out"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "filter": ("筛选", "Filter"),
    "search": ("搜索", "Search"),
    "all": ("全部", "all"),
    "none_found": ("没有记录。", "Nothing found."),
    "back": ("返回", "Back"),
    "page": ("页", "page"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "download": ("下载", "Download"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "time": ("时间", "Time"),
    "created": ("创建", "Created"),
    "target": ("归属", "Target"),
    "status": ("状态", "Status"),
    "count": ("次数", "Count"),
    "no_data": ("暂无数据", "no data"),
    # roles
    "role": ("角色", "Role"),
    "brand_admin": ("品牌管理员", "Brand admin"),
    "distributor_rep": ("经销商销售", "Distributor rep"),
    "viewer": ("只读", "Viewer"),
    # login
    "login": ("登录", "Log in"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login_failed": ("用户名或密码错误。", "Wrong user name or password."),
    "login_throttled": (
        "登录失败次数过多,请 {minutes} 分钟后再试。",
        "Too many failed logins. Try again in {minutes} min.",
    ),
    "login_expired": ("登录表单已过期,请重试。", "The login form expired; please try again."),
    # errors
    "forbidden": ("无权访问。", "You do not have access to this."),
    "missing": ("没有找到,或不在您的权限范围内。", "Not found, or not yours to see."),
    "csrf_failed": (
        "表单已失效(CSRF 校验失败),请刷新页面后重试。",
        "The form expired (CSRF check failed); reload and retry.",
    ),
    "error": ("出错了", "Something went wrong"),
    # leads
    "pipeline": ("线索看板", "Lead pipeline"),
    "stage": ("阶段", "Stage"),
    "new": ("新线索", "New"),
    "delivered": ("已送达", "Delivered"),
    "acknowledged": ("已确认", "Acknowledged"),
    "won": ("赢单", "Won"),
    "lost": ("丢单", "Lost"),
    "lead": ("线索", "Lead"),
    "company": ("公司", "Company"),
    "contact": ("联系人", "Contact"),
    "phone": ("电话", "Phone"),
    "email": ("邮箱", "E-mail"),
    "region": ("地区", "Region"),
    "volume": ("预计用量/预算", "Volume / budget"),
    "timing": ("时间要求", "Timing"),
    "summary": ("摘要", "Summary"),
    "interest": ("兴趣", "Interest"),
    "score": ("评分", "Score"),
    "signals": ("评分依据", "Signals behind the score"),
    "points": ("分值", "Points"),
    "route": ("分配", "Routing"),
    "rule": ("规则", "Rule"),
    "tags": ("标签", "Tags"),
    "set_status": ("更新状态", "Set status"),
    "mark_acknowledged": ("确认已接收", "Acknowledge"),
    "mark_won": ("标记赢单", "Mark won"),
    "mark_lost": ("标记丢单", "Mark lost"),
    "open_transcript": ("查看对话", "Open the conversation"),
    "channel": ("渠道", "Channel"),
    "language": ("语言", "Language"),
    "consent": ("同意", "Consent"),
    # outbox
    "deliveries": ("投递记录", "Deliveries"),
    "dead_letters": ("死信", "Dead letters"),
    "job": ("任务", "Job"),
    "kind": ("类型", "Kind"),
    "state": ("状态", "State"),
    "attempts": ("尝试次数", "Attempts"),
    "last_error": ("最近错误", "Last error"),
    "next_attempt": ("下次尝试", "Next attempt"),
    "delivered_at": ("送达时间", "Delivered at"),
    "retry": ("重新投递", "Retry"),
    "retried": ("已重新排队。", "Queued again."),
    "pending": ("待发送", "pending"),
    "in_flight": ("发送中", "in flight"),
    "dead": ("死信", "dead"),
    # transcripts
    "conversations": ("对话", "Conversations"),
    "conversation": ("对话", "Conversation"),
    "buyer": ("买家", "Buyer"),
    "started": ("开始", "Started"),
    "last_message": ("最后消息", "Last message"),
    "turns": ("轮次", "Turns"),
    "outcome": ("结果", "Outcome"),
    "answered": ("已解答", "answered"),
    "quoted": ("已报价", "quoted"),
    "unmet": ("未满足", "unmet"),
    "first_message": ("首条消息", "First message"),
    "from": ("从", "From"),
    "to": ("到", "To"),
    "search_hint": ("型号、文字(中英文)", "part number, words (zh / en)"),
    "turn": ("轮", "Turn"),
    "intent": ("意图", "Intent"),
    "confidence": ("置信度", "Confidence"),
    "entities": ("实体", "Entities"),
    "actions": ("动作", "Actions"),
    "slots": ("槽位", "Slots set"),
    "buyer_saw": ("买家看到的", "What the buyer saw"),
    "buttons": ("按钮", "Buttons"),
    "session_start": ("新会话开始", "session started"),
    "form": ("表单", "form"),
    "form_closed": ("表单结束", "form closed"),
    "mark_wrong": ("标记为错误", "Mark as wrong"),
    "marked_wrong": ("已标记为错误", "Marked wrong"),
    "correct_intent": ("正确意图", "Correct intent"),
    "note": ("备注", "Note"),
    "export_story": ("导出为 Rasa 测试故事", "Export as a Rasa test story"),
    "fallback": ("兜底", "fallback"),
    "before_first_message": ("首条消息之前", "Before the first message"),
    # quotes
    "quote": ("报价单", "Quote"),
    "revision": ("版本", "Revision"),
    "revisions": ("全部版本", "Revisions"),
    "file": ("文件", "File"),
    "boards": ("套数", "Boards"),
    "lines": ("行数", "Lines"),
    "total": ("合计", "Total"),
    "subtotal": ("小计", "Subtotal"),
    "tax": ("税", "Tax"),
    "valid_until": ("有效期至", "Valid until"),
    "line": ("行", "Line"),
    "designators": ("位号", "Designators"),
    "qty": ("数量", "Qty"),
    "input": ("客户输入", "Buyer's line"),
    "match": ("匹配", "Match"),
    "part": ("物料", "Part"),
    "unit_price": ("单价", "Unit price"),
    "ext_price": ("金额", "Amount"),
    "stock": ("库存", "Stock"),
    "lead_time": ("交期(天)", "Lead time (d)"),
    "warnings": ("提示", "Warnings"),
    "exact": ("精确", "exact"),
    "parametric": ("参数匹配", "by parameters"),
    "ambiguous": ("待确认", "to decide"),
    "not_found": ("未找到", "not found"),
    # demand
    "demand_report": ("未满足需求(品牌待补的料)", "Unmet demand (what to stock or build)"),
    "group_by": ("分组", "Group by"),
    "by_part": ("按物料", "part"),
    "by_category": ("按类别", "category"),
    "part_or_ask": ("物料 / 需求", "Part / ask"),
    "category": ("类别", "Category"),
    "buyers": ("买家数", "Buyers"),
    "kinds": ("类型", "Kinds"),
    "attributes": ("询问参数", "Attributes asked"),
    "first_seen": ("首次", "First seen"),
    "last_seen": ("最近", "Last seen"),
    "examples": ("示例", "Examples"),
    # analytics
    "funnel": ("转化漏斗", "Funnel"),
    "fallback_rate": ("兜底率", "Fallback rate"),
    "fallback_pct": ("兜底率 %", "fallback %"),
    "top_products": ("询问最多的产品", "Top asked products"),
    "by_channel": ("按渠道", "By channel"),
    "by_week": ("按周", "By week"),
    "weekly_fallback": ("每周兜底率", "Fallback rate by week"),
    "user_turns": ("买家消息", "buyer messages"),
    # users and audit
    "add_user": ("添加账号", "Add a user"),
    "display_name": ("显示名", "Display name"),
    "active": ("启用", "Active"),
    "disable": ("停用", "Disable"),
    "enable": ("启用", "Enable"),
    "last_login": ("最近登录", "Last login"),
    "who": ("用户", "Who"),
    "ip": ("IP", "IP"),
    "action": ("操作", "Action"),
    "object": ("对象", "Object"),
    "path": ("路径", "Path"),
    "target_for_reps": ("归属(仅经销商销售)", "Target (distributor reps only)"),
    "password_min": ("至少 {n} 个字符", "at least {n} characters"),
}


def translate(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` ("zh" or anything else = English), with {placeholders} filled."""
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The toggle's cookie if set, else the first of zh / en by the browser's preference (q-values), else zh."""
    if cookie in LANGUAGES:
        return str(cookie)
    best: tuple[float, str] | None = None
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        if base not in LANGUAGES:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > 0 and (best is None or q > best[0]):
            best = (q - position * 1e-6, base)
    return best[1] if best else "zh"
