"""The policy catalogue's seed, from ../shared/data/policies.md (the research notes), status as given there.

Plain data (no model imports) so the data migration can use it. Rules:
- an amount is filled in only where the notes mark it VERIFIED; elsewhere `amount_text` says it is not;
- `verified_on` stays empty: the notes do not say when each source was read (a city admin fills it in
  when checking the entry against rsj.sh.gov.cn);
- the rules are our structured reading of the eligibility text, limited to the facts an archive holds;
  conditions an archive cannot show (years of contributions, the reason a job ended) stay in the
  benefit text for staff to check with the person.
"""

NOTES = "../shared/data/policies.md"
HONGKOU = "310109"

POLICIES = [
    {
        "code": "SH-UI-BENEFIT", "name": "失业保险金", "kind": "subsidy", "district_code": "",
        "doc_number": "《失业保险条例》（国务院令第258号）；《上海市失业保险办法》（沪府发〔1999〕7号）",
        "issuer": "国务院；上海市人民政府",
        "benefit_text": "用人单位和本人累计缴纳失业保险费满1年、非因本人意愿中断就业、已办理失业登记并有求职要求的，"
                        "可领取失业保险金；缴费1年以上不满5年最长12个月，5年以上不满10年最长18个月，10年以上最长24个月。"
                        "领取期间由失业保险基金代缴基本医疗保险费。（缴费年限和离职原因请与本人核对。）",
        "amount_text": "未核实：本市现行失业保险金标准请以上海市人力资源和社会保障局公布的为准",
        "amount": None,
        "source_url": "http://laodongfa.com/stadata/dfzf/4772.html",
        "verification_status": "partial",
        "rule": {"all": [{"fact": "status", "op": "in", "value": ["unemployed"]},
                         {"fact": "registered_unemployed", "op": "is", "value": True}]},
        "required_documents": ["身份证", "失业登记证明", "解除或终止劳动合同证明"],
    },
    {
        "code": "SH-UNEMP-REG", "name": "失业登记", "kind": "registration", "district_code": "",
        "doc_number": "", "issuer": "",
        "benefit_text": "失业人员办理失业登记后，可享受公共就业服务，并作为申领失业保险金等政策的前提条件。",
        "amount_text": "", "amount": None, "source_url": "",
        "verification_status": "unverified",
        "rule": {"all": [{"fact": "status", "op": "in", "value": ["unemployed"]},
                         {"fact": "age", "op": ">=", "value": 16},
                         {"fact": "registered_unemployed", "op": "is", "value": False}]},
        "required_documents": ["身份证", "户口簿或居住证"],
    },
    {
        "code": "SH-DIFFICULTY-CERT", "name": "就业困难人员认定", "kind": "certification", "district_code": "",
        "doc_number": "", "issuer": "",
        "benefit_text": "本市现行就业困难人员认定标准未核实（旧文件沪人社就〔2009〕13号已于2010年失效，不得作为依据）。"
                        "请以市人社局现行规定为准。",
        "amount_text": "", "amount": None, "source_url": "",
        "verification_status": "unverified",
        "rule": {"all": [{"fact": "status", "op": "in", "value": ["unemployed"]},
                         {"fact": "certified_difficulty", "op": "is", "value": False},
                         {"fact": "key_groups", "op": "has_any",
                          "value": ["long_unemployed", "4050", "disabled", "zero_family", "dibao"]}]},
        "required_documents": ["身份证", "失业登记证明", "困难情形证明材料"],
    },
    {
        "code": "SH-FLEX-SI", "name": "灵活就业社会保险费补贴", "kind": "subsidy", "district_code": "",
        "doc_number": "", "issuer": "",
        "benefit_text": "通常对灵活就业的就业困难人员给予部分社会保险费补贴；本市适用对象、补贴比例和期限未核实。",
        "amount_text": "未核实：不得填写金额", "amount": None, "source_url": "",
        "verification_status": "unverified",
        "rule": {"all": [{"fact": "status", "op": "in", "value": ["flexible"]},
                         {"fact": "certified_difficulty", "op": "is", "value": True}]},
        "required_documents": ["身份证", "就业困难人员认定证明", "灵活就业登记证明"],
    },
    {
        "code": "HK-STARTUP-FIRST", "name": "首次创业一次性补贴（虹口区）", "kind": "subsidy", "district_code": HONGKOU,
        "doc_number": "虹人社规〔2021〕1号（《虹口区鼓励创业带动就业实施意见》）", "issuer": "",
        "benefit_text": "在虹口区首次创办创业组织满1年、并为至少1名本市户籍人员缴纳城镇职工社会保险满6个月的创业者，"
                        "可申请一次性补贴。区级文件示例，可能已被新文件取代；创业组织和缴费情况请核对原件。",
        "amount_text": "一次性 8000元", "amount": "8000.00",
        "source_url": "http://www.691620561.cn/index.php/Index/newsDeil/id/2922",
        "verification_status": "verified",
        "rule": {"all": [{"fact": "status", "op": "in", "value": ["self_employed"]},
                         {"fact": "district", "op": "in", "value": [HONGKOU]},
                         {"fact": "received_policy", "op": "not_within_months", "value": 240}]},
        "required_documents": ["身份证", "营业执照", "社会保险缴费证明"],
    },
    {
        "code": "HK-TRAINEE-LIVING", "name": "创业见习生活费补贴（虹口区）", "kind": "subsidy", "district_code": HONGKOU,
        "doc_number": "虹人社规〔2021〕1号（《虹口区鼓励创业带动就业实施意见》）", "issuer": "",
        "benefit_text": "虹口区户籍的创业见习人员，按月领取生活费补贴，最长12个月。",
        "amount_text": "每月为本市月最低工资标准的20%，最长12个月", "amount": None,
        "source_url": "http://www.691620561.cn/index.php/Index/newsDeil/id/2922",
        "verification_status": "verified",
        "rule": {"all": [{"fact": "hukou", "op": "in", "value": ["local"]},
                         {"fact": "district", "op": "in", "value": [HONGKOU]},
                         {"fact": "status", "op": "in", "value": ["training", "unemployed"]}]},
        "required_documents": ["身份证", "户口簿", "创业见习协议"],
    },
    {
        "code": "HK-TRAINEE-MENTOR", "name": "创业见习带教费补贴（虹口区）", "kind": "subsidy", "district_code": HONGKOU,
        "doc_number": "虹人社规〔2021〕1号（《虹口区鼓励创业带动就业实施意见》）", "issuer": "",
        "benefit_text": "发放给认定的创业见习基地（单位），不是个人可申领的政策，故不参与个人资格核查。",
        "amount_text": "300元/人/月，最长12个月", "amount": "300.00",
        "source_url": "http://www.691620561.cn/index.php/Index/newsDeil/id/2922",
        "verification_status": "verified", "is_active": False,
        "rule": None, "required_documents": [],
    },
    {
        "code": "HK-GRAD-TRAINEE", "name": "创业见习（本市高校非上海生源应届毕业生，虹口区）", "kind": "service",
        "district_code": HONGKOU, "doc_number": "虹人社规〔2021〕1号", "issuer": "",
        "benefit_text": "虹口区文件将本市高校非上海生源应届毕业生列入创业见习对象；具体条件未核实。",
        "amount_text": "", "amount": None,
        "source_url": "http://www.691620561.cn/index.php/Index/newsDeil/id/2922",
        "verification_status": "partial",
        "rule": {"all": [{"fact": "key_groups", "op": "has_any", "value": ["graduate"]},
                         {"fact": "hukou", "op": "in", "value": ["non_local"]}]},
        "required_documents": ["身份证", "毕业证书或就业推荐表"],
    },
    {
        "code": "SH-TRAINING-SUBSIDY", "name": "职业技能培训补贴", "kind": "subsidy", "district_code": "",
        "doc_number": "", "issuer": "",
        "benefit_text": "补贴性职业技能培训的对象、补贴比例和课程目录未核实。",
        "amount_text": "未核实：不得填写金额", "amount": None, "source_url": "",
        "verification_status": "unverified",
        "rule": {"any": [{"fact": "status", "op": "in", "value": ["unemployed", "training"]},
                         {"fact": "key_groups", "op": "has_any", "value": ["difficulty", "graduate"]}]},
        "required_documents": ["身份证", "培训合格证书"],
    },
    {
        "code": "SH-GRAD-SUBSIDY", "name": "高校毕业生就业补贴", "kind": "subsidy", "district_code": "",
        "doc_number": "", "issuer": "",
        "benefit_text": "本市高校毕业生一次性吸纳就业补贴、见习补贴、社保补贴等未核实。",
        "amount_text": "未核实：不得填写金额", "amount": None, "source_url": "",
        "verification_status": "unverified",
        "rule": {"all": [{"fact": "key_groups", "op": "has_any", "value": ["graduate"]},
                         {"fact": "status", "op": "in", "value": ["unemployed", "training"]}]},
        "required_documents": ["身份证", "毕业证书"],
    },
]


def load(apps=None) -> int:
    """Create the seed policies that are missing (by code); never overwrites an admin's edits."""
    if apps is None:
        from django.apps import apps as django_apps

        apps = django_apps
    Policy = apps.get_model("assistance", "Policy")
    PolicyVersion = apps.get_model("assistance", "PolicyVersion")
    created = 0
    for entry in POLICIES:
        if Policy.objects.filter(code=entry["code"]).exists():
            continue
        data = {k: v for k, v in entry.items() if k not in {"rule", "required_documents"}}
        policy = Policy.objects.create(**data)
        version = PolicyVersion.objects.create(policy=policy, number=1, rule=entry["rule"] or {},
                                               required_documents=entry["required_documents"],
                                               note=f"初始数据（{NOTES}）")
        if entry["rule"]:
            policy.current_version = version
            policy.save(update_fields=["current_version"])
        created += 1
    return created
