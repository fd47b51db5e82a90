"""Seed the policy documents and parameters of DOMAIN.md §2–§6 and §8.3, with their confidence marks.

Every key is described in guangyuan_jobs/policy/keys.py. Region None = national, 510000 = Sichuan,
510800 = Guangyuan. Confidence: verified = ✅ seen in the source; secondary = ⚠️ aggregator or local
restatement; unverified = ❓ recall or a local administrative choice, to be signed off before use.
Values DOMAIN.md reports as "not found" are either absent (listed as gaps in keys.py) or ❓, never ✅.
"""

from django.db import migrations

N, SC, GY = None, "510000", "510800"
OK, SEC, UNV = "verified", "secondary", "unverified"

# key -> (doc_no, title, issuer, level, issued_on, url)
DOCUMENTS = {
    "hrss_2019_23": ("人社部发〔2019〕23号", "2019 年失业保险稳岗返还政策（文号未核实）", "人力资源社会保障部", "national", None,
                     "https://m.gzyongrui.com/newslib/detail/784.html"),
    "gbf_2020_6": ("国办发〔2020〕6号", "关于应对新冠肺炎疫情影响强化稳就业举措的实施意见", "国务院办公厅", "national", None,
                   "https://finet.hk/newscenter/print_content/5e7b0b34bde0b33df473edce"),
    "sc_2021_wgfh": ("", "四川省 2021 年普惠性失业保险稳岗返还", "四川省人力资源和社会保障厅", "sichuan", None,
                     "https://ailexce.com/sc/jbzc_2021/wgbt_3926.html"),
    "sc_2022_wgfh": ("", "四川省 2022 年稳岗返还“免申即享”直返流程", "四川省人力资源和社会保障厅", "sichuan", None,
                     "http://special.17car.com.cn/tekan/2022/0418/271298.html"),
    "hrss_2022_23": ("人社部发〔2022〕23号", "2022 年阶段性提高稳岗返还比例（文号未核实）", "人力资源社会保障部", "national", None,
                     "http://www.xiaoyi.gov.cn/xxgk/fdzdgknr/rdzcjc/wgjy_67119/202207/t20220711_1671091.shtml"),
    "wgfh_2023": ("", "2023—2025 年失业保险稳岗返还政策", "人力资源社会保障部 财政部 国家税务总局", "national", None,
                  "http://www.smx.gov.cn/7804/2025/12/2184124.html"),
    "hrss_2020_40": ("人社部发〔2020〕40号", "关于扩大失业保险保障范围的通知", "人力资源社会保障部 财政部", "national", None,
                     "http://jingyanla.com/a/13/092NQ3162022.html"),
    "ui_regulation": ("", "失业保险条例（第二十一条 农民合同制工人一次性生活补助）", "国务院", "national", None, ""),
    "hrss_2017_40": ("人社部发〔2017〕40号", "关于失业保险支持参保职工提升职业技能有关问题的通知", "人力资源社会保障部 财政部",
                     "national", None, "http://gd.sina.com.cn/finance/news/2017-05-19/cj-ifyfkqiv6541363.shtml"),
    "gf_2019_28": ("国发〔2019〕28号", "关于进一步做好稳就业工作的意见（技能提升补贴放宽至参保 1 年，未核实）", "国务院", "national",
                   None, ""),
    "jnts_2024": ("", "技能提升补贴政策（执行期限至 2024 年 12 月 31 日）", "人力资源社会保障部", "national", None,
                  "http://www.jdzjycyw.com/News/42BBE702-00F0-42C2-9389-5C379015A5A5"),
    "sc_2023_jnts": ("", "四川省 2023 年职业技能提升补贴申领", "四川省人力资源和社会保障厅", "sichuan", None,
                     "http://jxtmgii.cn/p/87735.html"),
    "cj_2018_22": ("财金〔2018〕22号", "关于进一步做好创业担保贷款财政贴息工作的通知", "财政部 人力资源社会保障部 中国人民银行",
                   "national", None, ""),
    "cj_2020_21": ("财金〔2020〕21号", "关于进一步加大创业担保贷款贴息力度全力支持重点群体创业就业的通知",
                   "财政部 人力资源社会保障部 中国人民银行", "national", "2020-04-15", "https://cqkxcdb.com/zyzc/113.html"),
    "phjr_2023": ("", "普惠金融发展专项资金管理办法（2023，文号未核实）", "财政部", "national", None,
                  "https://finance.hebnews.cn/2023-09/14/content_9068987.htm"),
    "gy_2020_report": ("", "广元市就业创业促进中心 2020 年工作总结", "广元市就业创业促进中心", "guangyuan", "2021-01-18",
                       "http://srsj.cngy.gov.cn/mobile/Detail.aspx?articid=20210118074513442"),
    "cs_2017_164": ("财社〔2017〕164号", "就业补助资金管理办法", "财政部 人力资源社会保障部", "national", None, ""),
    "cs_2023_181": ("财社〔2023〕181号", "就业补助资金管理办法", "财政部 人力资源社会保障部", "national", None,
                    "http://www.ruzhou.gov.cn/contents/65030/453774.html"),
    "sc_2024_jobs": ("", "四川省进一步稳定和扩大就业若干政策措施", "四川省人民政府办公厅", "sichuan", None,
                     "https://etnet.com.hk/mobile/tc/ashares/news_detail.php?category=%E5%85%A8%E6%97%A5%E6%96%B0"
                     "%E8%81%9E&newsid=ETN340805764"),
    "kgbz": ("", "一次性扩岗补助政策", "人力资源社会保障部 财政部", "national", None,
             "https://epaper.scdaily.cn/shtml/scrb/20230704/297108.shtml"),
    "labour_contract_law": ("", "中华人民共和国劳动合同法（第四十一条 经济性裁员）", "全国人民代表大会常务委员会", "national", None,
                            "http://www.fsou.net/html/text/lar/170827/17082759_1.html"),
    "sc_2020_68": ("川人社办发〔2020〕68号", "四川省就业创业培训管理办法", "四川省人力资源和社会保障厅 四川省财政厅", "sichuan",
                   "2020-06-16", "http://sczyjl.cn/show-18-392-1.html"),
    "sc_2021_22": ("川人社办发〔2021〕22号", "职业技能提升行动专账资金使用", "四川省人力资源和社会保障厅", "sichuan", None,
                   "https://www.wusheng.gov.cn/zfxxgk/c112143/pc/content/content_1941075107907821568.html"),
    "sc_2025_11": ("川人社规〔2025〕11号", "四川省补贴性职业技能培训管理办法", "四川省人力资源和社会保障厅", "sichuan",
                   "2025-07-25", "http://rst.sc.gov.cn/rst/xzgfxwj/2025/7/31/7278e72355e440bc80eeca683c481fb0.shtml"),
    "hrss_2011_308": ("人社部函〔2011〕308号", "失业动态监测工作扩大范围", "人力资源社会保障部", "national", None,
                      "https://www.ccement.com/news/content/1010863.html"),
    "sc_2011_983": ("川人社函〔2011〕983号", "四川省扩大失业动态监测范围", "四川省人力资源和社会保障厅", "sichuan", None,
                    "https://www.renrendoc.com/p-59129311.html"),
    "hrss_2013_41": ("人社部发〔2013〕41号", "离校未就业高校毕业生就业促进计划", "人力资源社会保障部", "national", None,
                     "http://www.handmsg.com/page/2013/0429/24458186.shtml"),
}

# (key, value_type, value, unit, region, valid_from, valid_to, document, confidence, note)
PARAMETERS = [
    # --- §2 失业保险稳岗返还 -------------------------------------------------------------------------
    ("wgfh.ratio.large", "decimal", "0.50", "ratio", N, "2019-01-01", "2019-12-31", "hrss_2019_23", SEC,
     "2019 基线：上年度实际缴纳失业保险费（单位+个人）的 50 %。来源：广州申领指南 https://m.gzyongrui.com/newslib/detail/784.html ；"
     "依据文号 人社部发〔2019〕23号 未核实。"),
    ("wgfh.ratio.large", "decimal", "0.50", "ratio", N, "2020-01-01", "2020-12-31", "gbf_2020_6", SEC,
     "2020 年大型企业仍为 50 %。国办发〔2020〕6号；人社部副部长游钧 2020-03-25 确认比例 "
     "https://finet.hk/newscenter/print_content/5e7b0b34bde0b33df473edce 。“人社部发〔2020〕30号”无法确认，勿引用。"),
    ("wgfh.ratio.large", "decimal", "0.30", "ratio", SC, "2021-01-01", "2021-12-31", "sc_2021_wgfh", SEC,
     "四川 2021 普惠性稳岗返还：大型企业 30 %。https://ailexce.com/sc/jbzc_2021/wgbt_3926.html"),
    ("wgfh.ratio.large", "decimal", "0.50", "ratio", N, "2022-01-01", "2022-12-31", "hrss_2022_23", SEC,
     "2022 年（至 2022-12-31）大型企业由 30 % 提高至 50 %。孝义 2022-07 转述；绵阳“自2022年6月起” "
     "http://sclvyou028.com/a/santaizaixian/2022/0818/276802.html 。年内起始日期各地不同；文号 人社部发〔2022〕23号 未核实。"),
    ("wgfh.ratio.large", "decimal", "0.30", "ratio", N, "2023-01-01", "2025-12-31", "wgfh_2023", OK,
     "2023—2025 大型企业 30 %，执行至 2025-12-31。http://www.smx.gov.cn/7804/2025/12/2184124.html ；"
     "https://www.haicang.gov.cn/hdjl/cjwt/bmfl/czj/46670/202311/t20231123_1026236.htm"),
    ("wgfh.ratio.sme", "decimal", "0.50", "ratio", N, "2019-01-01", "2019-12-31", "hrss_2019_23", SEC,
     "2019 基线：中小微企业 50 %。来源同大型企业（广州申领指南）。"),
    ("wgfh.ratio.sme", "decimal", "1.00", "ratio", N, "2020-01-01", "2020-12-31", "gbf_2020_6", SEC,
     "2020 年不裁员或少裁员的中小微企业“最高可返还 100 %”：这是上限，地方可自定实际比例；广元实际比例未找到，"
     "如有请另录 510800 时段。"),
    ("wgfh.ratio.sme", "decimal", "0.60", "ratio", SC, "2021-01-01", "2021-12-31", "sc_2021_wgfh", SEC,
     "四川 2021 普惠性稳岗返还：中小微企业 60 %。https://ailexce.com/sc/jbzc_2021/wgbt_3926.html"),
    ("wgfh.ratio.sme", "decimal", "0.90", "ratio", N, "2022-01-01", "2022-12-31", "hrss_2022_23", SEC,
     "2022 年（至 2022-12-31）中小微企业由 60 % 提高至 90 %。年内起始日期各地不同（绵阳自 2022-06）。"),
    ("wgfh.ratio.sme", "decimal", "0.60", "ratio", N, "2023-01-01", "2025-12-31", "wgfh_2023", OK,
     "2023—2025 中小微企业 60 %，执行至 2025-12-31。http://www.smx.gov.cn/7804/2025/12/2184124.html"),
    *[
        ("wgfh.layoff_rate.control_target", "decimal", "0.055", "ratio", N, f"{year}-01-01", f"{year}-12-31",
         "wgfh_2023" if year >= 2023 else {2019: "hrss_2019_23", 2020: "gbf_2020_6"}.get(year), OK if year >= 2023 else SEC,
         f"{year} 年裁员率上限（全国城镇调查失业率控制目标）5.5 %。"
         + ("2023—2025 见 http://www.smx.gov.cn/7804/2025/12/2184124.html" if year >= 2023 else
            "按 DOMAIN §2.2 各年均为 5.5 %；请按当年政府工作报告逐年核对。"))
        for year in range(2019, 2026)
    ],
    ("wgfh.layoff_rate.small_firm_max", "decimal", "0.20", "ratio", N, "2019-01-01", "2022-12-31", "gbf_2020_6", SEC,
     "参保职工 30 人以下企业裁员率不高于 20 %。广州 2019 指南；2020-02-11 发布 http://555j.net/a/shehuihuati/2020/0211/2736_2.html"),
    ("wgfh.layoff_rate.small_firm_max", "decimal", "0.20", "ratio", N, "2023-01-01", "2025-12-31", "wgfh_2023", OK,
     "2023—2025：30 人以下企业裁员率不高于 20 %。http://www.smx.gov.cn/7804/2025/12/2184124.html"),
    ("wgfh.layoff_rate.small_firm_max_staff", "integer", 30, "people", N, "2019-01-01", "2022-12-31", "gbf_2020_6",
     SEC, "适用 20 % 裁员率上限的参保职工人数上限（含 30 人）。"),
    ("wgfh.layoff_rate.small_firm_max_staff", "integer", 30, "people", N, "2023-01-01", "2025-12-31", "wgfh_2023", OK,
     "适用 20 % 裁员率上限的参保职工人数上限（含 30 人）。"),
    ("wgfh.contribution_months_min", "integer", 12, "months", N, "2019-01-01", "2022-12-31", "hrss_2019_23", SEC,
     "申请时足额缴纳失业保险费满 12 个月。广州 2020 指南。"),
    ("wgfh.contribution_months_min", "integer", 12, "months", N, "2023-01-01", "2025-12-31", "wgfh_2023", OK,
     "足额缴纳失业保险费满 12 个月（三门峡 2025）。http://www.smx.gov.cn/7804/2025/12/2184124.html"),
    ("wgfh.reference_entity.large_min_headcount", "integer", 300, "people", N, "2023-01-01", "2025-12-31", "wgfh_2023",
     SEC, "社会团体、基金会、社会服务机构、律师/会计师事务所、以单位形式参保的个体工商户：上年度平均参保人数 ≥300 按大型企业比例，"
     "<300 按中小微比例。https://www.chacewang.com/newsdetail/news587209.html"),
    ("wgfh.hardship.benefit_months", "integer", 6, "months", N, "2020-01-01", "2020-12-31", "gbf_2020_6", UNV,
     "2020 困难企业：返还上限 = 6 个月 × 当地月人均失业保险金 × 参保人数。凭记忆，国办发〔2020〕6号 原文未取得，须核实。"),
    ("wgfh.hardship.contribution_months", "integer", 3, "months", N, "2020-01-01", "2020-12-31", "gbf_2020_6", UNV,
     "2020 困难企业：或不超过 3 个月的企业及职工应缴社会保险费。凭记忆，须核实。"),
    ("wgfh.fund_reserve_min_months", "integer", 12, "months", SC, "2021-01-01", None, "sc_2021_wgfh", SEC,
     "统筹地区失业保险基金滚存结余须可支付 12 个月以上（四川 2021）。管理层面的开关，不是对企业的条件。"),
    # --- §3 失业补助金 与 农民工临时生活补助 ---------------------------------------------------------------
    ("sybzj.rate_of_ui_benefit_max", "decimal", "0.80", "ratio", N, "2020-03-01", "2020-12-31", "hrss_2020_40", SEC,
     "失业补助金不高于当地失业保险金标准的 80 %（上限，地方可分档）。https://img.ccschy.com/techan/223035.html 。"
     "四川、广元的分档与标准未找到。"),
    ("sybzj.max_months", "integer", 6, "months", N, "2020-03-01", "2020-12-31", "hrss_2020_40", SEC,
     "最长发放 6 个月，按月发放。"),
    ("sybzj.window.start", "date", "2020-03-01", "date", N, "2020-03-01", None, "hrss_2020_40", SEC,
     "2020-03 至 2020-12 期间失业的人员。济南转述 http://wap.vmaya.com/socfnews/topic/tskey/sn9375316109117487199.html"),
    ("sybzj.window.end", "date", "2020-12-31", "date", N, "2020-03-01", None, "hrss_2020_40", SEC,
     "2020-03 至 2020-12 期间失业的人员。"),
    ("sybzj.window.payment_end", "date", "2021-06-30", "date", GY, "2020-03-01", None, None, UNV,
     "部分地方（如济南）发放延续至 2021-06；广元的截止日期未找到，此为地方选择，须核实。"),
    ("sybzj.max_claims_per_person", "integer", 1, "times", N, "2020-03-01", None, "hrss_2020_40", SEC,
     "每人只能领取一次，不得在其他统筹地区重复申领（保定 https://juke.outofmemory.cn/read/1146597.html）。"),
    ("sybzj.ui_benefit_standard_monthly", "decimal", "1060", "yuan_per_month", GY, "2020-01-01", "2020-12-31", None, UNV,
     "广元 2020 年失业保险金月标准：未找到。1060 元仅由 2020 年报人均约 5,090 元（≈ 6 个月 × 80 % × 约 1,060 元）推算，"
     "不是出处。使用前必须替换为官方标准并经人工确认。"),
    ("lshbz.max_months", "integer", 3, "months", N, "2020-05-01", "2020-12-31", "hrss_2020_40", SEC,
     "农民工临时生活补助：按月发放，最长 3 个月，参照当地城市低保标准。http://jingyanla.com/a/13/092NQ3162022.html"),
    ("lshbz.window.start", "date", "2020-05-01", "date", N, "2020-05-01", None, "hrss_2020_40", SEC,
     "临时生活补助适用期 2020-05 至 2020-12。"),
    ("lshbz.window.end", "date", "2020-12-31", "date", N, "2020-05-01", None, "hrss_2020_40", SEC,
     "临时生活补助适用期 2020-05 至 2020-12。"),
    ("lshbz.insured_on_or_after", "date", "2019-01-01", "date", N, "2020-05-01", None, "hrss_2020_40", SEC,
     "2019-01-01 以后参保、参保不满 1 年的农民工。"),
    ("lshbz.insured_months_below", "integer", 12, "months", N, "2020-05-01", None, "hrss_2020_40", SEC,
     "参保不满 12 个月（不满 1 年）。"),
    # --- §4 技能提升补贴 ---------------------------------------------------------------------------------
    ("jnts.amount.junior", "decimal", "1000", "yuan", N, "2017-01-01", None, "hrss_2017_40", OK,
     "初级（五级）不超过 1000 元；紧缺工种可上浮。全国为上限，见 jnts.amount.mode。"),
    ("jnts.amount.intermediate", "decimal", "1500", "yuan", N, "2017-01-01", None, "hrss_2017_40", OK,
     "中级（四级）不超过 1500 元。全国为上限。"),
    ("jnts.amount.senior", "decimal", "2000", "yuan", N, "2017-01-01", None, "hrss_2017_40", OK,
     "高级（三级）不超过 2000 元。全国为上限。"),
    ("jnts.amount.junior", "decimal", "1000", "yuan", SC, "2023-01-01", None, "sc_2023_jnts", SEC,
     "四川 2023：初级固定 1000 元。http://jxtmgii.cn/p/87735.html"),
    ("jnts.amount.intermediate", "decimal", "1500", "yuan", SC, "2023-01-01", None, "sc_2023_jnts", SEC,
     "四川 2023：中级固定 1500 元。"),
    ("jnts.amount.senior", "decimal", "2000", "yuan", SC, "2023-01-01", None, "sc_2023_jnts", SEC,
     "四川 2023：高级固定 2000 元。"),
    ("jnts.amount.mode", "text", "cap", "", N, "2017-01-01", None, "hrss_2017_40", OK,
     "全国标准为上限（cap：不超过）。"),
    ("jnts.amount.mode", "text", "fixed", "", SC, "2023-01-01", None, "sc_2023_jnts", SEC,
     "四川 2023 按固定标准发放（fixed）；成都 2022 已如此。"),
    ("jnts.contribution_months_min", "integer", 36, "months", N, "2017-01-01", "2018-12-31", "hrss_2017_40", OK,
     "累计缴纳失业保险费 36 个月以上。http://gd.sina.com.cn/finance/news/2017-05-19/cj-ifyfkqiv6541363.shtml"),
    ("jnts.contribution_months_min", "integer", 12, "months", N, "2019-01-01", "2021-12-31", "gf_2019_28", UNV,
     "放宽至参保 12 个月：2019-01-01 至 2020-12-31 依 国发〔2019〕28号（未核实）；常德 2020-06 已为 12 个月 ✅ "
     "http://cdbbs.cdyee.com/wap-read-run?tid=867566 ；2021 年视为延续，未核实。"),
    ("jnts.contribution_months_min", "integer", 12, "months", N, "2022-01-01", "2024-12-31", "jnts_2024", OK,
     "“参加失业保险1年以上……政策执行期限至2024年12月31日”。"
     "http://www.jdzjycyw.com/News/42BBE702-00F0-42C2-9389-5C379015A5A5"),
    ("jnts.contribution_months_min", "integer", 12, "months", N, "2025-01-01", None, None, UNV,
     "2024-12-31 以后是否继续放宽（或恢复 36 个月）未核实；为使办件不中断暂按 12 个月，须人工确认后替换。"),
    ("jnts.application_window_months", "integer", 12, "months", N, "2017-01-01", None, "hrss_2017_40", OK,
     "自证书发证日期（证书所载日期，非领证日期）起 12 个月内申请，逾期不予受理。"),
    ("jnts.max_per_year", "integer", 3, "times", N, "2020-01-01", None, "jnts_2024", OK,
     "每人每个自然年度最多享受 3 次。"),
    ("jnts.occupation_level_limit_scope", "text", "lifetime", "", N, "2017-01-01", None, "jnts_2024", OK,
     "同一职业（工种）同一等级只能享受一次（终身）；享受高等级后不再享受低等级。云南等地为“一年内一次”，故可取 lifetime 或 per_year。"),
    ("jnts.certificate_issued_on_or_after", "date", "2017-01-01", "date", N, "2017-01-01", None, "hrss_2017_40", OK,
     "职业资格证书或职业技能等级证书须于 2017-01-01 以后核发，并可在全国联网查询中查到。"),
    ("jnts.fund_reserve_min_months", "integer", 12, "months", N, "2017-01-01", None, "hrss_2017_40", OK,
     "省级失业保险基金滚存结余须可支付 12 个月以上。"),
    # --- §5 创业担保贷款 -----------------------------------------------------------------------------------
    ("cddk.individual.max_amount", "decimal", "150000", "yuan", N, "2018-01-01", "2020-04-14", "cj_2018_22", SEC,
     "财金〔2020〕21号 之前个人贷款上限 15 万元。起始日按 财金〔2018〕22号 记，未核实。"),
    ("cddk.individual.max_amount", "decimal", "200000", "yuan", N, "2020-04-15", "2023-09-13", "cj_2020_21", OK,
     "个人创业担保贷款上限提高至 20 万元。https://cqkxcdb.com/zyzc/113.html"),
    ("cddk.individual.max_amount", "decimal", "300000", "yuan", N, "2023-09-14", None, "phjr_2023", SEC,
     "2023 年起个人上限 30 万元。https://finance.hebnews.cn/2023-09/14/content_9068987.htm ；起始日取报道日期，"
     "文号未核实。聚合网站所称 50 万元地区不明，不采用。"),
    ("cddk.enterprise.max_amount", "decimal", "3000000", "yuan", N, "2018-01-01", "2020-04-14", "cj_2018_22", SEC,
     "小微企业贷款上限 300 万元（起始日未核实）。"),
    ("cddk.enterprise.max_amount", "decimal", "3000000", "yuan", N, "2020-04-15", "2023-09-13", "cj_2020_21", OK,
     "小微企业贷款上限 300 万元。"),
    ("cddk.enterprise.max_amount", "decimal", "4000000", "yuan", N, "2023-09-14", None, "phjr_2023", SEC,
     "2023 年起小微企业上限 400 万元；起始日取报道日期。"),
    ("cddk.enterprise.new_hire_ratio", "decimal", "0.20", "ratio", N, "2018-01-01", "2020-04-14", "cj_2018_22", SEC,
     "当年新招用符合条件人员占现有在职职工比例 20 %。"),
    ("cddk.enterprise.new_hire_ratio", "decimal", "0.15", "ratio", N, "2020-04-15", "2023-09-13", "cj_2020_21", OK,
     "新招用比例降至 15 %。"),
    ("cddk.enterprise.new_hire_ratio", "decimal", "0.10", "ratio", N, "2023-09-14", None, "phjr_2023", SEC,
     "2023 年起新招用比例 10 %。"),
    ("cddk.enterprise.new_hire_ratio_large", "decimal", "0.10", "ratio", N, "2018-01-01", "2020-04-14", "cj_2018_22",
     UNV, "职工超过 100 人的企业新招用比例 10 %，未核实。"),
    ("cddk.enterprise.new_hire_ratio_large", "decimal", "0.08", "ratio", N, "2020-04-15", "2023-09-13", "cj_2020_21",
     OK, "职工超过 100 人的企业新招用比例 8 %。"),
    ("cddk.enterprise.new_hire_ratio_large", "decimal", "0.05", "ratio", N, "2023-09-14", None, "phjr_2023", SEC,
     "2023 年起职工超过 100 人的企业新招用比例 5 %。"),
    ("cddk.enterprise.large_staff_threshold", "integer", 100, "people", N, "2018-01-01", "2020-04-14", "cj_2018_22",
     UNV, "超过此职工人数适用较低的新招用比例；2020 年以前未核实。"),
    ("cddk.enterprise.large_staff_threshold", "integer", 100, "people", N, "2020-04-15", None, "cj_2020_21", OK,
     "超过 100 人适用较低的新招用比例。"),
    ("cddk.partnership.extra_ratio", "decimal", "0.10", "ratio", N, "2020-04-15", None, "cj_2020_21", SEC,
     "合伙创业可按合伙人个人上限之和上浮不超过 10 %。http://daikuan.51kanong.com/wenda-8208.html"),
    ("cddk.individual.term_years_max", "integer", 3, "years", N, "2020-04-15", None, "cj_2020_21", SEC,
     "个人贷款期限不超过 3 年（51kanong；乌鲁木齐经开区 2023）。"),
    ("cddk.enterprise.term_years_max", "integer", 2, "years", N, "2020-04-15", None, "cj_2020_21", SEC,
     "小微企业贷款期限不超过 2 年。"),
    ("cddk.individual.max_loans", "integer", 3, "times", N, "2020-04-15", None, "cj_2020_21", SEC,
     "信用良好的个人最多可申请 3 次。http://www.uetd.gov.cn/jjjskfq/c119889/202309/5a66353961dd4a83ab227fff87079b02.shtml"),
    ("cddk.enterprise.max_loans", "integer", 2, "times", N, "2020-04-15", None, "cj_2020_21", SEC,
     "小微企业最多 2 次。"),
    ("cddk.interest.lpr_offset_bp", "integer", 150, "bp", N, "2020-04-15", None, "cj_2020_21", SEC,
     "借款人承担利率上限为 LPR−150BP，其余由财政贴息；均按贷款合同签订日确定。"),
    ("cddk.interest.rate_ceiling_bp", "integer", 150, "bp", SC, "2020-04-15", None, "cj_2020_21", UNV,
     "利率上限：东部 LPR+50BP、中西部 LPR+150BP、贫困地区 LPR+250BP，常被归于 财金〔2020〕21号/财金〔2018〕22号，"
     "在所读来源中未找到，须核实。广元按中西部（2021 年前部分按贫困地区）。"),
    ("cddk.interest.no_subsidy_if_extended", "boolean", True, "", N, "2020-04-15", None, "cj_2020_21", SEC,
     "展期贷款不予贴息。"),
    ("cddk.interest.no_subsidy_if_overdue", "boolean", True, "", N, "2020-04-15", None, "cj_2020_21", SEC,
     "逾期贷款不予贴息。"),
    ("cddk.counter_guarantee_waiver_max_amount", "decimal", "100000", "yuan", N, "2020-04-15", None, "cj_2020_21",
     SEC, "个人贷款 10 万元及以下免除反担保（株洲转述 http://ccschy.com/techan/187544.html）。"),
    ("cddk.counter_guarantee_waiver_max_amount", "decimal", "150000", "yuan", GY, "2020-01-01", None,
     "gy_2020_report", OK, "广元 2020 年工作总结：“取消15万以下个人反担保措施”。"),
    ("cddk.individual.business_operating_months_min", "integer", 3, "months", N, "2020-04-15", None, "cj_2020_21",
     SEC, "个体工商户须已登记经营 3 个月以上（乌鲁木齐经开区）。"),
    ("cddk.individual.online_merchant_operating_months_min", "integer", 6, "months", N, "2020-04-15", None,
     "cj_2020_21", SEC, "网络商户须经营 6 个月以上。"),
    ("cddk.covid.extension_years_max", "integer", 1, "years", N, "2020-02-11", "2020-12-31", None, SEC,
     "感染新冠肺炎的借款人可申请展期不超过 1 年，继续贴息（2020-02-11 发布会）；截止日按 2020 年末估计。"),
    # --- §6 社保补贴、吸纳就业补贴、扩岗补助 ---------------------------------------------------------------
    ("sbbt.max_months", "integer", 36, "months", N, "2017-01-01", None, "cs_2017_164", SEC,
     "社会保险补贴期限最长 3 年，各类社保补贴累计计算。财社〔2023〕181号 取代 164号 后未变。"
     "http://huaian.kuyiso.com/news/8f2r9o0448d6.html"),
    ("sbbt.near_retirement_years", "integer", 5, "years", N, "2017-01-01", None, "cs_2017_164", SEC,
     "首次核定时距法定退休年龄不足 5 年的，可延长至退休。"),
    ("sbbt.graduate.max_months", "integer", 24, "months", N, "2017-01-01", None, "cs_2017_164", SEC,
     "离校 2 年内高校毕业生灵活就业的社保补贴最长 2 年。"),
    ("sbbt.graduate.years_since_leaving_max", "integer", 2, "years", N, "2017-01-01", None, "cs_2017_164", SEC,
     "离校 2 年内的高校毕业生。"),
    ("xnjy.amount_per_hire", "decimal", "2000", "yuan", SC, "2024-08-05", None, "sc_2024_jobs", OK,
     "四川 2024：吸纳毕业年度高校毕业生、防止返贫监测对象、就业困难人员，每人 2000 元。起始日取报道日期，文号未见；"
     "2024 年以前的四川标准未找到。"),
    ("xnjy.contract_months_min", "integer", 12, "months", SC, "2024-08-05", None, "sc_2024_jobs", OK,
     "签订 1 年以上劳动合同并缴纳社会保险。"),
    ("kgbz.amount_per_hire", "decimal", "1500", "yuan", N, "2022-01-01", "2025-12-31", "kgbz", SEC,
     "一次性扩岗补助每人不超过 1500 元，从失业保险基金列支；与一次性吸纳就业补贴不可兼得。"),
    ("kgbz.insured_months_min", "integer", 1, "months", N, "2022-01-01", "2024-12-31", "kgbz", SEC,
     "缴纳失业、工伤、养老保险满 1 个月（2023 年）；2022、2024 年按同一要求记，未逐年核实。"),
    ("kgbz.insured_months_min", "integer", 3, "months", N, "2025-01-01", "2025-12-31", "kgbz", SEC,
     "2025 年起须缴满 3 个月。https://www.tanghe.gov.cn/2026/01-06/1369287.html"),
    ("kgbz.youth_age_min", "integer", 16, "years", N, "2022-01-01", "2025-12-31", "kgbz", SEC,
     "登记失业 16—24 岁青年。"),
    ("kgbz.youth_age_max", "integer", 24, "years", N, "2022-01-01", "2025-12-31", "kgbz", SEC,
     "登记失业 16—24 岁青年。"),
    ("kgbz.graduate.years_since_leaving_max", "integer", 2, "years", N, "2022-01-01", "2025-12-31", "kgbz", SEC,
     "毕业年度或离校 2 年内未就业高校毕业生。"),
    # --- §8.3 法定规模裁员报告 -----------------------------------------------------------------------------
    ("monitoring.mass_layoff.min_people", "integer", 20, "people", N, "2008-01-01", None, "labour_contract_law", OK,
     "劳动合同法第四十一条：裁减 20 人以上须提前 30 日说明并报告。"),
    ("monitoring.mass_layoff.min_ratio", "decimal", "0.10", "ratio", N, "2008-01-01", None, "labour_contract_law", OK,
     "裁减不足 20 人但占职工总数 10 % 以上（威海按年内累计）。"),
    ("monitoring.mass_layoff.notice_days", "integer", 30, "days", N, "2008-01-01", None, "labour_contract_law", OK,
     "提前 30 日向工会或全体职工说明并向劳动行政部门报告。"),
    # --- 经办 (local administrative choices, not legal rules) ---------------------------------------------
    ("casework.time_limit_days.default", "integer", 20, "working_days", GY, "2020-01-01", None, None, UNV,
     "受理至作出决定的办理时限（工作日）。本地选择，未见出处，须人工确认；各业务可另设 casework.time_limit_days.<业务>。"),
    ("casework.time_limit_days.review", "integer", 5, "working_days", GY, "2020-01-01", None, None, UNV,
     "初审时限。广州稳岗返还“5个工作日内完成初审”为外地例子，广元本地选择须确认。"),
    ("casework.time_limit_days.approval", "integer", 3, "working_days", GY, "2020-01-01", None, None, UNV,
     "审批时限。汕头见习补贴“3个工作日内审批”为外地例子，须确认。"),
    ("casework.time_limit_days.payment", "integer", 5, "working_days", GY, "2020-01-01", None, None, UNV,
     "开具拨付单后资金到账时限。汕头例子为 5 个工作日，须确认。"),
    ("casework.public_notice_working_days", "integer", 5, "working_days", GY, "2020-01-01", None, None, UNV,
     "公示期。各地 5—7 天（汕头 7 天，约合 5 个工作日）；本地选择，须确认。"),
    ("casework.dual_approval_threshold", "decimal", "50000", "yuan", GY, "2020-01-01", None, None, UNV,
     "单笔金额达到此数须两名不同审批人审批。本地内控选择，须确认。"),
    ("casework.missing_material_due_working_days", "integer", 10, "working_days", GY, "2020-01-01", None, None, UNV,
     "容缺受理后补齐材料的期限（工作日）。本地选择，须确认。"),
]


def seed(apps, schema_editor):
    PolicyDocument = apps.get_model("policy", "PolicyDocument")
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    documents = {}
    for code, (doc_no, title, issuer, level, issued_on, url) in DOCUMENTS.items():
        documents[code], _ = PolicyDocument.objects.get_or_create(
            doc_no=doc_no, title=title,
            defaults={"issuer": issuer, "level": level, "issued_on": issued_on, "url": url},
        )
    for key, value_type, value, unit, region, valid_from, valid_to, doc, confidence, note in PARAMETERS:
        PolicyParameter.objects.get_or_create(
            key=key, region_id=region, valid_from=valid_from,
            defaults={"value": value, "value_type": value_type, "unit": unit, "valid_to": valid_to,
                      "document": documents[doc] if doc else None, "confidence": confidence, "note": note},
        )


def unseed(apps, schema_editor):
    PolicyDocument = apps.get_model("policy", "PolicyDocument")
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for key, _t, _v, _u, region, valid_from, *_rest in PARAMETERS:
        PolicyParameter.objects.filter(key=key, region_id=region, valid_from=valid_from, created_by=None).delete()
    for doc_no, title, *_rest in DOCUMENTS.values():
        PolicyDocument.objects.filter(doc_no=doc_no, title=title, policyparameter__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0002_value_type_date_and_no_overlap"),
        ("registry", "0002_seed_regions"),
    ]
    # Casework seeds its own keys only where none exist yet; running first makes this sourced seed win.
    run_before = [("casework", "0003_seed_casework_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
