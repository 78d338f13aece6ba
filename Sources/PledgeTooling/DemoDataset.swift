import PledgeCore
/// A Fuling-like demo dataset: the 榨菜 association with its GI collective mark, ~150 firms with
/// ~1,500 IP assets, valuations, 8 banks and ~12 涪知贷 products.
///
/// Pure and deterministic: the same seed and `today` give the same data on every platform and Swift
/// version (our own SplitMix64, integer arithmetic only, no Foundation, no clock). The inputs refer to
/// each other by array index; the loader inserts them in order and fills in the database ids, which is
/// why every `firmId`, `assetId` and `bankId` here is 0.
public struct DemoDataset: Sendable {
    public struct Product: Sendable { public var bankIndex: Int; public var input: ProductInput }
    public struct Asset: Sendable { public var firmIndex: Int; public var input: AssetInput }
    public struct Valuation: Sendable { public var assetIndex: Int; public var input: ValuationInput }

    public var banks: [BankInput]
    public var products: [Product]
    /// `firms[0]` is 重庆市涪陵区榨菜协会, owner of the 涪陵榨菜 GI collective mark (`assets[0]`).
    public var firms: [FirmInput]
    public var assets: [Asset]
    public var valuations: [Valuation]

    /// - Parameters:
    ///   - seed: chooses every random value; the same seed gives the same dataset.
    ///   - today: the day the data is "as of": every date is on or before it, and legal statuses,
    ///     renewals and valuation staleness are derived from it. Must be in 2012 or later.
    ///   - firmCount: number of firms including the association (at least 1).
    public static func generate(seed: UInt64 = 20_250_922, today: CivilDate, firmCount: Int = 150) -> DemoDataset {
        precondition(firmCount >= 1, "the dataset always holds the 榨菜 association")
        precondition(today.year >= 2012, "filing windows start in 2008; an earlier today leaves them empty")
        var generator = DemoGenerator(seed: seed, today: today)
        return generator.run(firmCount: firmCount)
    }
}

// MARK: - Random numbers

/// SplitMix64 (Steele, Lea & Flood, 2014). Our own rather than `SystemRandomNumberGenerator` or the
/// standard library's `random(in:using:)`, whose algorithms are not promised to stay the same across
/// Swift versions: the demo data must not change under a toolchain upgrade.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n`. Draws below 2^64 mod n are rejected so that no value is favoured.
    mutating func below(_ n: UInt64) -> UInt64 {
        precondition(n > 0)
        let threshold = (0 &- n) % n
        while true {
            let r = next()
            if r >= threshold { return r % n }
        }
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(below(UInt64(range.upperBound - range.lowerBound) + 1))
    }

    mutating func fen(_ range: ClosedRange<Fen>) -> Fen {
        range.lowerBound + Fen(below(UInt64(range.upperBound - range.lowerBound) + 1))
    }

    mutating func chance(percent: Int) -> Bool { below(100) < UInt64(percent) }
    mutating func chance(perMille: Int) -> Bool { below(1000) < UInt64(perMille) }

    mutating func element<T>(_ items: [T]) -> T { items[Int(below(UInt64(items.count)))] }

    mutating func weighted<T>(_ items: [(T, Int)]) -> T {
        var r = Int(below(UInt64(items.reduce(0) { $0 + $1.1 })))
        for (item, weight) in items {
            if r < weight { return item }
            r -= weight
        }
        return items[items.count - 1].0
    }

    /// `count` different elements, in random order (a partial Fisher–Yates shuffle).
    mutating func distinct<T>(_ items: [T], count: Int) -> [T] {
        var pool = items
        let n = min(count, pool.count)
        for i in 0..<n { pool.swapAt(i, i + Int(below(UInt64(pool.count - i)))) }
        return Array(pool[0..<n])
    }

    mutating func date(in range: ClosedRange<CivilDate>) -> CivilDate {
        CivilDate(daysSinceEpoch: int(range.lowerBound.daysSinceEpoch...range.upperBound.daysSinceEpoch))
    }

    /// A date whose density rises linearly towards the end of the range (the later of two draws):
    /// Fuling's patent and trademark filings have grown year on year, so portfolios are young.
    mutating func recentDate(in range: ClosedRange<CivilDate>) -> CivilDate {
        let a = date(in: range), b = date(in: range)
        return max(a, b)
    }

    /// Spread evenly over orders of magnitude (many small values, few large), as revenues and
    /// appraisals are. Integer-only: pick one of the ×1.1 steps between the bounds, then a value in it.
    mutating func logUniform(_ range: ClosedRange<Fen>) -> Fen {
        var edges: [Fen] = [range.lowerBound]
        while let last = edges.last, last < range.upperBound {
            edges.append(min(range.upperBound, max(last + 1, last + last / 10)))
        }
        guard edges.count > 1 else { return range.lowerBound }
        let step = int(0...(edges.count - 2))
        return fen(edges[step]...edges[step + 1])
    }

    /// 0…max, mostly small: the least of three draws (citation counts are heavily skewed).
    mutating func skewedLow(_ max: Int) -> Int {
        min(int(0...max), int(0...max), int(0...max))
    }
}

// MARK: - Reference lists

/// What firms of one industry look like: name words, where they sit, what they patent.
struct DemoIndustry: Sendable {
    let code: String
    let weight: Int
    /// 行业词 in the firm name, between the 字号 and 有限公司.
    let tradeWords: [String]
    /// Parks and towns where the industry clusters in Fuling.
    let towns: [String]
    let ipcClasses: [String]
    /// Inventions read "一种" + object + suffix.
    let inventionObjects: [String]
    let inventionSuffixes: [String]
    /// Utility models read "一种" + (qualifier) + device.
    let devices: [String]
    /// Design patents are titled by the product alone.
    let designs: [String]
    let niceClasses: [Int]
    let typeWeights: [(IPType, Int)]
    let highTechPercent: Int
}

enum DemoLists {
    /// Weighted toward the district plan's priority industries, and toward 榨菜 in food processing.
    static let industries: [DemoIndustry] = [
        DemoIndustry(
            code: "advanced_materials", weight: 20,
            tradeWords: ["新材料科技", "化工新材料", "高分子材料", "复合材料", "精细化工", "新型材料"],
            towns: ["白涛工业园区", "龙桥工业园", "涪陵高新区"],
            ipcClasses: ["C08L 67/02", "C08K 3/04", "C08G 18/48", "C07C 51/31", "C08J 5/18", "B29C 48/08",
                         "C01F 11/18", "D01F 6/70"],
            inventionObjects: ["高阻隔聚酯薄膜", "改性聚酰胺复合材料", "阻燃聚丙烯母粒", "聚氨酯弹性体", "纳米碳酸钙",
                               "石墨烯导热膜", "可降解聚乳酸材料", "氨纶纺丝油剂", "高纯己二酸", "耐候型PBT工程塑料"],
            inventionSuffixes: ["及其制备方法", "的制备方法", "的连续化生产工艺"],
            devices: ["反应釜搅拌装置", "造粒机冷却水槽", "薄膜分切收卷装置", "物料干燥塔", "废气冷凝回收装置",
                      "双螺杆挤出机喂料装置", "结晶母液过滤装置", "原料自动计量投料系统"],
            designs: ["包装桶", "塑料托盘", "薄膜卷芯", "管材接头"],
            niceClasses: [1, 17, 22],
            typeWeights: [(.utilityModel, 72), (.invention, 16), (.design, 3), (.trademark, 7), (.copyright, 2)],
            highTechPercent: 40),
        DemoIndustry(
            code: "equipment", weight: 20,
            tradeWords: ["机械制造", "智能装备", "机电设备", "精密机械", "船舶装备", "汽车零部件", "环保设备"],
            towns: ["龙桥工业园", "涪陵高新区", "李渡街道", "马鞍街道"],
            ipcClasses: ["B23K 37/04", "B23Q 3/06", "F16H 57/02", "B65G 47/91", "B21D 28/14", "F16K 31/06",
                         "B63B 35/00", "B60K 6/26"],
            inventionObjects: ["数控机床主轴温升补偿", "焊接机器人路径规划", "齿轮箱故障诊断", "阀门密封面激光熔覆",
                               "船用推进器叶片加工", "汽车底盘零件自动化检测"],
            inventionSuffixes: ["方法", "方法及系统", "装置及其控制方法"],
            devices: ["工件夹紧工装", "自动焊接定位装置", "输送线分拣机构", "冲压模具", "液压升降平台", "轴承压装设备",
                      "钣金折弯辅助装置", "除尘打磨工作台"],
            designs: ["数控机床外壳", "电控柜", "搬运机器人", "减速机"],
            niceClasses: [7, 12, 9],
            typeWeights: [(.utilityModel, 74), (.invention, 13), (.design, 6), (.trademark, 5), (.copyright, 2)],
            highTechPercent: 35),
        DemoIndustry(
            code: "biomedicine", weight: 12,
            tradeWords: ["生物医药", "制药", "生物科技", "医疗器械", "药业", "中药饮片"],
            towns: ["涪陵高新区", "李渡街道", "荔枝街道"],
            ipcClasses: ["A61K 36/00", "A61K 9/20", "A61P 31/04", "C12N 1/20", "A61B 5/00", "A61J 1/05",
                         "A61K 31/7048"],
            inventionObjects: ["青蒿提取物", "中药配方颗粒", "头孢类中间体", "益生菌微胶囊", "人参皂苷纯化物",
                               "复方感冒口服液", "盐酸二甲双胍缓释片"],
            inventionSuffixes: ["及其制备方法", "的制备方法", "的质量检测方法"],
            devices: ["中药材清洗切片装置", "药液过滤灌装装置", "胶囊抛光机", "药品泡罩成型装置", "医用输液架",
                      "采血管混匀装置", "提取罐排渣装置"],
            designs: ["药瓶", "输液袋", "医用护理床", "药品包装盒"],
            niceClasses: [5, 10, 44],
            typeWeights: [(.utilityModel, 58), (.invention, 24), (.design, 4), (.trademark, 12), (.copyright, 2)],
            highTechPercent: 45),
        DemoIndustry(
            code: "new_energy", weight: 12,
            tradeWords: ["新能源科技", "储能科技", "锂电材料", "光伏科技", "氢能科技", "电池科技"],
            towns: ["涪陵高新区", "白涛工业园区", "龙桥工业园", "李渡街道"],
            ipcClasses: ["H01M 10/0525", "H01M 4/58", "H02J 7/00", "H02S 40/34", "C01B 3/00", "H01M 8/04"],
            inventionObjects: ["磷酸铁锂正极材料", "锂离子电池电解液", "硅碳负极材料", "固态电解质膜", "氢燃料电池双极板",
                               "六氟磷酸锂", "钠离子电池正极材料"],
            inventionSuffixes: ["及其制备方法", "的制备方法"],
            devices: ["电池包液冷板", "储能柜消防装置", "电芯极耳焊接工装", "光伏组件清洗机器人", "充电桩散热结构",
                      "正极材料烧结窑", "锂电池分容检测装置"],
            designs: ["储能柜", "充电桩", "电池包外壳"],
            niceClasses: [9, 1, 11],
            typeWeights: [(.utilityModel, 70), (.invention, 17), (.design, 4), (.trademark, 7), (.copyright, 2)],
            highTechPercent: 45),
        DemoIndustry(
            code: "semiconductors", weight: 3,
            tradeWords: ["半导体", "微电子", "电子科技", "芯片科技"],
            towns: ["涪陵高新区", "李渡街道"],
            ipcClasses: ["H01L 21/02", "H01L 23/367", "G01R 31/28", "H05K 1/02", "H01L 21/67"],
            inventionObjects: ["功率半导体器件", "碳化硅外延片", "芯片封装结构", "晶圆清洗液"],
            inventionSuffixes: ["及其制备方法", "的制备方法", "的检测方法"],
            devices: ["晶圆搬运机械手", "芯片测试探针座", "封装模具", "电路板散热结构", "引线框架冲切装置"],
            designs: ["功率模块", "芯片测试座"],
            niceClasses: [9, 42],
            typeWeights: [(.utilityModel, 58), (.invention, 26), (.design, 3), (.trademark, 6), (.copyright, 7)],
            highTechPercent: 55),
        DemoIndustry(
            code: "artificial_intelligence", weight: 4,
            tradeWords: ["智能科技", "信息技术", "数据科技", "软件", "人工智能科技"],
            towns: ["涪陵高新区", "崇义街道", "荔枝街道", "敦仁街道"],
            ipcClasses: ["G06N 3/08", "G06F 16/00", "G06T 7/00", "G06Q 10/06", "G05B 19/418", "G06V 10/82"],
            inventionObjects: ["基于深度学习的工业缺陷检测", "基于知识图谱的企业信用评估", "多源数据融合的能耗预测",
                               "基于机器视觉的榨菜分级", "生产设备预测性维护"],
            inventionSuffixes: ["方法", "方法及系统", "方法、装置、设备及存储介质"],
            devices: ["智能巡检机器人", "边缘计算网关", "视觉检测工位", "数据采集终端", "智能安防摄像装置"],
            designs: ["巡检机器人", "智能终端"],
            niceClasses: [9, 42, 35],
            typeWeights: [(.utilityModel, 40), (.invention, 22), (.design, 2), (.trademark, 8), (.copyright, 28)],
            highTechPercent: 55),
        DemoIndustry(
            code: "food_processing", weight: 16,
            tradeWords: ["榨菜食品", "榨菜食品", "食品", "调味品", "食品科技", "农产品加工"],
            towns: ["江北街道", "南沱镇", "珍溪镇", "百胜镇", "龙潭镇", "清溪镇", "荔枝街道"],
            ipcClasses: ["A23L 19/20", "A23B 7/10", "A23L 27/10", "B65B 25/04", "A23N 15/00", "A23L 5/20"],
            inventionObjects: ["低盐榨菜", "榨菜酱", "泡椒风味榨菜", "榨菜丝", "青菜头膳食纤维", "榨菜复合调味料"],
            inventionSuffixes: ["及其制备方法", "的加工方法", "的生产工艺"],
            devices: ["榨菜脱盐脱水装置", "青菜头清洗机", "榨菜切丝机", "腌制池翻池装置", "榨菜包装袋封口机",
                      "辣椒油拌料机", "榨菜巴氏杀菌装置", "菜头去筋剥皮机"],
            designs: ["包装袋（榨菜）", "榨菜罐", "礼盒（榨菜）", "调味品瓶"],
            niceClasses: [29, 30, 35],
            typeWeights: [(.utilityModel, 50), (.invention, 7), (.design, 13), (.trademark, 28), (.copyright, 2)],
            highTechPercent: 15),
        DemoIndustry(
            code: "characteristic_agriculture", weight: 4,
            tradeWords: ["农业开发", "生态农业", "农业科技", "中药材种植", "果业"],
            towns: ["南沱镇", "珍溪镇", "百胜镇", "龙潭镇", "清溪镇", "马鞍街道"],
            ipcClasses: ["A01G 22/00", "A01G 9/02", "A01K 67/02", "A01C 1/00", "A01G 13/02"],
            inventionObjects: ["青菜头高产栽培", "龙眼荔枝保鲜", "中药材育苗", "山地果园水肥一体化"],
            inventionSuffixes: ["方法"],
            devices: ["育苗移栽装置", "果园运输轨道车", "滴灌施肥装置", "菜籽播种器", "果蔬分拣台"],
            designs: ["果篮", "育苗盘"],
            niceClasses: [31, 29, 44],
            typeWeights: [(.utilityModel, 58), (.invention, 9), (.design, 6), (.trademark, 25), (.copyright, 2)],
            highTechPercent: 10),
        DemoIndustry(
            code: "shale_gas", weight: 3,
            tradeWords: ["页岩气开发", "能源化工", "天然气化工", "油气技术服务"],
            towns: ["白涛工业园区", "龙桥工业园", "清溪镇"],
            ipcClasses: ["E21B 43/26", "E21B 21/06", "C10L 3/10", "B01D 53/14", "C07C 1/04"],
            inventionObjects: ["页岩气压裂液", "水基钻井液", "天然气脱硫剂", "甲醇合成催化剂"],
            inventionSuffixes: ["及其制备方法", "的制备方法"],
            devices: ["井口压力监测装置", "钻屑收集装置", "压裂液配液撬", "气液分离器", "管道防腐检测装置"],
            designs: ["撬装计量设备"],
            niceClasses: [1, 4, 37],
            typeWeights: [(.utilityModel, 72), (.invention, 16), (.design, 1), (.trademark, 8), (.copyright, 3)],
            highTechPercent: 35),
        DemoIndustry(
            code: "smart_construction", weight: 3,
            tradeWords: ["建设工程", "建筑科技", "智能建造", "装配式建筑", "建材"],
            towns: ["马鞍街道", "崇义街道", "敦仁街道", "李渡街道"],
            ipcClasses: ["E04B 1/38", "E04G 21/04", "E04G 11/06", "G06F 30/13", "C04B 28/04"],
            inventionObjects: ["装配式叠合楼板", "再生骨料混凝土", "轻质隔墙板", "高强灌浆料"],
            inventionSuffixes: ["及其制备方法", "的制备方法"],
            devices: ["预制构件吊装夹具", "建筑外墙保温结构", "脚手架连接件", "混凝土养护喷淋装置", "钢筋笼成型机"],
            designs: ["预制墙板", "建筑模板"],
            niceClasses: [19, 37, 42],
            typeWeights: [(.utilityModel, 74), (.invention, 11), (.design, 3), (.trademark, 8), (.copyright, 4)],
            highTechPercent: 25),
        DemoIndustry(
            code: "services", weight: 2,
            tradeWords: ["科技服务", "检测技术", "知识产权服务", "工程咨询", "技术服务"],
            towns: ["崇义街道", "荔枝街道", "敦仁街道", "涪陵高新区"],
            ipcClasses: ["G01N 33/00", "G06Q 50/18", "G01N 21/01", "G01N 30/02"],
            inventionObjects: ["食品中亚硝酸盐快速检测", "水质重金属检测", "专利价值评估"],
            inventionSuffixes: ["方法", "方法及系统"],
            devices: ["样品前处理装置", "检测试管架", "便携式水质采样器", "档案智能存取柜"],
            designs: ["便携检测仪"],
            niceClasses: [42, 35, 45],
            typeWeights: [(.utilityModel, 45), (.invention, 13), (.design, 2), (.trademark, 15), (.copyright, 25)],
            highTechPercent: 30),
        DemoIndustry(
            code: "other", weight: 1,
            tradeWords: ["商贸", "实业", "物流", "包装材料", "印务"],
            towns: DemoLists.towns,
            ipcClasses: ["B65D 81/38", "B65D 5/42", "B41F 17/00", "B65G 1/04"],
            inventionObjects: ["可降解包装膜", "防伪印刷油墨"],
            inventionSuffixes: ["及其制备方法"],
            devices: ["纸箱折叠成型机", "货架防倾倒结构", "物流周转箱", "印刷机送纸装置"],
            designs: ["包装盒", "周转箱"],
            niceClasses: [35, 16, 39],
            typeWeights: [(.utilityModel, 62), (.invention, 7), (.design, 12), (.trademark, 16), (.copyright, 3)],
            highTechPercent: 10),
    ]

    static let towns = ["涪陵高新区", "白涛工业园区", "龙桥工业园", "李渡街道", "崇义街道", "荔枝街道", "江北街道",
                        "敦仁街道", "马鞍街道", "南沱镇", "珍溪镇", "百胜镇", "龙潭镇", "清溪镇"]

    /// 字号 are two characters, one from each list: 30 × 30 combinations keep names unique without
    /// borrowing the names of real Fuling firms.
    static let brandFirst = Array("恒鑫瑞博天嘉盛汇锦泰聚正宏德丰华永福凯新辉伟同兴明佳百中科亿")
    static let brandSecond = Array("远泰丰信元润达博程和源通盛昌创宇业禾川鼎越腾安顺辉力鸿瑞拓诚")
    /// Local 字号 (rivers, landmarks, the old name 枳) that 榨菜 and farm firms favour.
    static let localBrands = ["乌江", "涪州", "白鹤", "枳城", "荔园", "青川", "江源", "巴渝", "鹤凤", "点易", "北山", "黎香"]

    static let qualifiers = ["", "", "", "便于清洁的", "可调节的", "高效", "节能型", "自动化", "防堵塞的", "多功能"]
    static let softwareNames = ["生产执行管理系统", "设备远程运维平台", "能耗在线监测系统", "质量追溯管理软件",
                                "仓储物流调度系统", "安全生产巡检APP", "智能排产系统", "供应链协同平台",
                                "客户关系管理系统", "实验室信息管理系统", "工业视觉检测软件", "原料收购管理系统"]
    static let softwareVersions = ["V1.0", "V1.0", "V1.1", "V2.0", "V3.0"]
    static let markWords = ["乌江源", "涪州鲜", "脆口", "鲜爽", "巴渝味", "山城记", "枳味", "白鹤梁", "荔香",
                            "青菜头", "江城", "聚优", "匠心", "智涪", "渝工", "涪锐", "长江韵", "涪蕴"]

    /// Co-owners of jointly filed patents (产学研合作).
    static let universities = ["长江师范学院", "重庆大学", "西南大学", "重庆理工大学", "重庆工商大学", "重庆医科大学",
                               "重庆邮电大学", "重庆交通大学", "中国科学院重庆绿色智能技术研究院"]

    /// Appraisers and the prefix of their report numbers (评报字).
    static let appraisers: [(name: String, prefix: String, weight: Int)] = [
        ("重庆华康资产评估土地房地产估价有限责任公司", "华康评报字", 30),
        ("重庆坤元资产评估有限公司", "坤元评报字", 25),
        ("中联资产评估集团有限公司", "中联评报字", 15),
        ("北京中企华资产评估有限责任公司", "中企华评报字", 10),
        ("北京天健兴业资产评估有限公司", "天兴评报字", 10),
        ("银信资产评估有限公司", "银信评报字", 10),
    ]

    /// Rough first trademark number issued each year, so a number looks its age (7 digits until the
    /// mid-2010s, 8 after).
    static let markNumberFloors: [(year: Int, number: Int)] = [
        (2005, 3_000_000), (2010, 6_500_000), (2014, 11_000_000), (2017, 19_000_000), (2019, 30_000_000),
        (2021, 45_000_000), (2023, 62_000_000), (2025, 75_000_000),
    ]
}

// MARK: - Banks and products

extension DemoDataset {
    /// Fuling branches of the banks that lend against IP in Chongqing.
    static let bankList: [BankInput] = [
        BankInput(code: "ICBC_FL", name: "中国工商银行涪陵分行"),
        BankInput(code: "ABC_FL", name: "中国农业银行涪陵分行"),
        BankInput(code: "BOC_FL", name: "中国银行涪陵分行"),
        BankInput(code: "CCB_FL", name: "中国建设银行涪陵分行"),
        BankInput(code: "CQRCB_FL", name: "重庆农村商业银行涪陵分行"),
        BankInput(code: "CQCB_FL", name: "重庆银行涪陵分行"),
        BankInput(code: "CQTGB_FL", name: "三峡银行涪陵分行"),
        BankInput(code: "PSBC_FL", name: "中国邮政储蓄银行涪陵区支行"),
    ]

    /// ¥ in fen, so the product table below reads in yuan.
    private static func yuan(_ value: Int64) -> Fen { value * Money.fenPerYuan }

    private static func term(_ type: IPType, _ ltvBp: Int, _ minLifeMonths: Int) -> ProductInput.IPTerm {
        .init(ipType: type.rawValue, loanToValueBp: ltvBp, minRemainingLifeMonths: minLifeMonths)
    }

    /// Fixed rather than random: the spread of terms (LTV ranges, industries, subsidies, risk sharing)
    /// is chosen so that each matching gate has a product that exercises it.
    static func productList() -> [Product] {
        let subsidyCap = yuan(200_000)
        return [
            Product(bankIndex: 0, input: ProductInput(
                bankId: 0, code: "FZD_ICBC_01", name: "涪知贷·专利快贷",
                ipTerms: [term(.invention, 4000, 72), term(.utilityModel, 2500, 48)],
                minAmountFen: yuan(1_000_000), maxAmountFen: yuan(10_000_000), minTermMonths: 6, maxTermMonths: 36,
                rateSpreadBp: 30, minYearsOperating: 2,
                interestSubsidyShareBp: 5000, subsidyCapFen: subsidyCap, riskFundShareBp: 5400)),
            Product(bankIndex: 0, input: ProductInput(
                bankId: 0, code: "FZD_ICBC_02", name: "涪知贷·商标融资",
                ipTerms: [term(.trademark, 5000, 24)],
                minAmountFen: yuan(500_000), maxAmountFen: yuan(5_000_000), minTermMonths: 6, maxTermMonths: 12,
                rateSpreadBp: 50, minYearsOperating: 2, minTrademarkUseYears: 2)),
            Product(bankIndex: 1, input: ProductInput(
                bankId: 0, code: "FZD_ABC_01", name: "涪知贷·榨菜地标贷",
                ipTerms: [term(.giCollectiveMark, 4000, 24), term(.trademark, 4000, 24)],
                minAmountFen: yuan(500_000), maxAmountFen: yuan(30_000_000), minTermMonths: 6, maxTermMonths: 24,
                rateSpreadBp: -20, eligibleIndustries: ["food_processing"], minYearsOperating: 2,
                minTrademarkUseYears: 3, interestSubsidyShareBp: 5000, subsidyCapFen: subsidyCap,
                riskFundShareBp: 8000)),
            Product(bankIndex: 2, input: ProductInput(
                bankId: 0, code: "FZD_BOC_01", name: "涪知贷·科创贷",
                ipTerms: [term(.invention, 5000, 96), term(.utilityModel, 3000, 48), term(.design, 2000, 36)],
                minAmountFen: yuan(1_000_000), maxAmountFen: yuan(30_000_000), minTermMonths: 12, maxTermMonths: 36,
                rateSpreadBp: 20,
                eligibleIndustries: ["advanced_materials", "equipment", "new_energy", "semiconductors",
                                     "artificial_intelligence"],
                minYearsOperating: 3, riskFundShareBp: 5400)),
            Product(bankIndex: 2, input: ProductInput(
                bankId: 0, code: "FZD_BOC_02", name: "涪知贷·生物医药专利贷",
                ipTerms: [term(.invention, 4500, 84), term(.utilityModel, 2000, 48)],
                minAmountFen: yuan(1_000_000), maxAmountFen: yuan(20_000_000), minTermMonths: 12, maxTermMonths: 36,
                rateSpreadBp: 40, eligibleIndustries: ["biomedicine"], minYearsOperating: 3)),
            Product(bankIndex: 3, input: ProductInput(
                bankId: 0, code: "FZD_CCB_01", name: "涪知贷·善新贷",
                ipTerms: [term(.invention, 3500, 60), term(.utilityModel, 2000, 48), term(.trademark, 4000, 24),
                          term(.copyright, 1500, 60)],
                minAmountFen: yuan(500_000), maxAmountFen: yuan(15_000_000), minTermMonths: 6, maxTermMonths: 36,
                rateSpreadBp: 60, minYearsOperating: 2, minTrademarkUseYears: 2,
                interestSubsidyShareBp: 5000, subsidyCapFen: subsidyCap)),
            Product(bankIndex: 3, input: ProductInput(
                bankId: 0, code: "FZD_CCB_02", name: "涪知贷·软著贷",
                ipTerms: [term(.copyright, 2000, 60), term(.invention, 3000, 60)],
                minAmountFen: yuan(500_000), maxAmountFen: yuan(5_000_000), minTermMonths: 6, maxTermMonths: 24,
                rateSpreadBp: 80, eligibleIndustries: ["artificial_intelligence", "semiconductors", "services"],
                minYearsOperating: 2)),
            Product(bankIndex: 4, input: ProductInput(
                bankId: 0, code: "FZD_CQRCB_01", name: "涪知贷·知惠贷",
                ipTerms: [term(.utilityModel, 2000, 48), term(.trademark, 4500, 24), term(.design, 1500, 36)],
                minAmountFen: yuan(500_000), maxAmountFen: yuan(5_000_000), minTermMonths: 6, maxTermMonths: 24,
                rateSpreadBp: 100, minYearsOperating: 2, minTrademarkUseYears: 2,
                interestSubsidyShareBp: 5000, subsidyCapFen: subsidyCap, riskFundShareBp: 8000)),
            Product(bankIndex: 4, input: ProductInput(
                bankId: 0, code: "FZD_CQRCB_02", name: "涪知贷·乡村振兴商标贷",
                ipTerms: [term(.trademark, 6000, 24), term(.utilityModel, 1500, 48)],
                minAmountFen: yuan(500_000), maxAmountFen: yuan(8_000_000), minTermMonths: 6, maxTermMonths: 36,
                rateSpreadBp: 150, eligibleIndustries: ["food_processing", "characteristic_agriculture"],
                minYearsOperating: 2, minTrademarkUseYears: 3, riskFundShareBp: 8000)),
            Product(bankIndex: 5, input: ProductInput(
                bankId: 0, code: "FZD_CQCB_01", name: "涪知贷·专精特新贷",
                ipTerms: [term(.invention, 4500, 60), term(.utilityModel, 2800, 48), term(.trademark, 5000, 36)],
                minAmountFen: yuan(1_000_000), maxAmountFen: yuan(20_000_000), minTermMonths: 12, maxTermMonths: 36,
                rateSpreadBp: 45, minYearsOperating: 3, minTrademarkUseYears: 3, riskFundShareBp: 5400)),
            Product(bankIndex: 6, input: ProductInput(
                bankId: 0, code: "FZD_CQTGB_01", name: "涪知贷·三峡知产贷",
                ipTerms: [term(.invention, 2500, 96), term(.utilityModel, 1500, 48), term(.trademark, 3000, 24),
                          term(.design, 2500, 36)],
                minAmountFen: yuan(800_000), maxAmountFen: yuan(10_000_000), minTermMonths: 6, maxTermMonths: 36,
                rateSpreadBp: 120, minYearsOperating: 2, minTrademarkUseYears: 2,
                interestSubsidyShareBp: 5000, subsidyCapFen: yuan(100_000))),
            Product(bankIndex: 7, input: ProductInput(
                bankId: 0, code: "FZD_PSBC_01", name: "涪知贷·小微知产贷",
                ipTerms: [term(.utilityModel, 1500, 48), term(.trademark, 3000, 24), term(.copyright, 1000, 60)],
                minAmountFen: yuan(500_000), maxAmountFen: yuan(5_000_000), minTermMonths: 6, maxTermMonths: 12,
                rateSpreadBp: 90, minYearsOperating: 2, minTrademarkUseYears: 2, riskFundShareBp: 8000)),
        ]
    }
}

// MARK: - The generator

/// One firm while it is being generated, with what its assets need to know about it.
struct DemoFirm {
    var input: FirmInput
    var industry: DemoIndustry
    var founded: CivilDate
    var size: FirmSize
    var brand: String
}

/// One asset while it is being generated: the day from which it can be valued, and its status.
struct DemoAsset {
    var firmIndex: Int
    var input: AssetInput
    var type: IPType
    var status: LegalStatus
    var valuableFrom: CivilDate
}

struct DemoGenerator {
    var rng: DemoRandom
    let today: CivilDate
    var creditCodes: Set<String> = []
    var firmNames: Set<String> = []
    var patentDigits: Set<String> = []
    var markNumbers: Set<String> = []
    var copyrightNumbers: Set<String> = []

    /// Fuling district's administrative division code (GB/T 2260).
    static let fuling = "500102"

    init(seed: UInt64, today: CivilDate) {
        rng = DemoRandom(seed: seed)
        self.today = today
    }

    mutating func run(firmCount: Int) -> DemoDataset {
        var firms = [association()]
        while firms.count < firmCount { firms.append(firm()) }
        let universities = DemoLists.universities.map { name in
            (name: name, code: creditCode(kind: "12", division: "500000", oldPrefixes: ["45"], newStyle: false))
        }

        var assets = [giMark(producers: firms.dropFirst().filter { $0.input.name.contains("榨菜") }.count)]
        for index in firms.indices.dropFirst() {
            for var asset in portfolio(of: index, firm: firms[index]) {
                if asset.type.isPatent, rng.chance(percent: 5) {
                    asset.input.coOwners = [coOwner(excluding: index, firms: firms, universities: universities)]
                }
                assets.append(asset)
            }
        }

        return DemoDataset(
            banks: DemoDataset.bankList,
            products: DemoDataset.productList(),
            firms: firms.map(\.input),
            assets: assets.map { DemoDataset.Asset(firmIndex: $0.firmIndex, input: $0.input) },
            valuations: valuations(of: assets))
    }

    // MARK: Identifiers

    /// A GB 32100-2015 code for Fuling: registration kind ("91" company, "51" social organisation,
    /// "12" public institution), division code, a GB 11714 organisation code, check character.
    mutating func creditCode(kind: String, division: String, oldPrefixes: [String], newStyle: Bool,
                             newPrefix: String = "MA") -> String {
        while true {
            let prefix = kind + division + organisationCode(oldPrefixes: oldPrefixes, newStyle: newStyle, newPrefix: newPrefix)
            let code = prefix + String(CreditCode.checkCharacter(forPrefix: prefix)!)
            if creditCodes.insert(code).inserted { return code }
        }
    }

    /// Positions 9–17. Firms registered after the 2015 reform got codes like "MA5U…"; older ones kept
    /// their 8-digit organisation code. Either way the 9th character is the GB 11714 check character.
    mutating func organisationCode(oldPrefixes: [String], newStyle: Bool, newPrefix: String) -> String {
        var body: String
        if newStyle {
            body = newPrefix
            while body.count < 8 { body.append(rng.element(CreditCode.alphabet)) }
        } else {
            body = rng.element(oldPrefixes)
            while body.count < 8 { body += String(rng.int(0...9)) }
        }
        return body + String(Self.organisationCheck(body))
    }

    /// GB 11714-1997: weights 3 7 9 10 5 8 4 2, letters count from A = 10; 10 is written X, 11 is 0.
    static func organisationCheck(_ body: String) -> Character {
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (ch, weight) in zip(body.unicodeScalars, weights) {
            let value = ch.value < 65 ? Int(ch.value) - 48 : Int(ch.value) - 65 + 10  // '0' is 48, 'A' is 65
            sum += value * weight
        }
        switch 11 - sum % 11 {
        case 10: return "X"
        case 11: return "0"
        case let c: return Character(String(c))
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    // MARK: Firms

    /// The 榨菜 association: it registers and pledges the GI collective mark for its member producers.
    mutating func association() -> DemoFirm {
        let founded = min(CivilDate(year: 2003, month: 6, day: 18)!, today.adding(years: -3))
        let code = creditCode(kind: "51", division: Self.fuling, oldPrefixes: ["50"], newStyle: false)
        let name = "重庆市涪陵区榨菜协会"
        firmNames.insert(name)
        let input = FirmInput(
            creditCode: code, name: name, industryCode: "food_processing", town: "荔枝街道", size: FirmSize.micro.rawValue,
            foundedOn: founded.description, annualRevenueFen: 3_200_000 * Money.fenPerYuan, rdExpenseFen: nil,
            totalAssetsFen: 6_500_000 * Money.fenPerYuan, totalLiabilitiesFen: 1_100_000 * Money.fenPerYuan,
            employees: 14, ipDemonstration: true)
        let industry = DemoLists.industries.first { $0.code == "food_processing" }!
        return DemoFirm(input: input, industry: industry, founded: founded, size: .micro, brand: "涪陵榨菜")
    }

    mutating func firm() -> DemoFirm {
        let industry = rng.weighted(DemoLists.industries.map { ($0, $0.weight) })
        let size = rng.weighted([(FirmSize.micro, 15), (.small, 40), (.medium, 35), (.large, 10)])
        let founded = foundingDate(size: size)
        let (brand, name) = firmName(industry: industry, size: size)
        let town = rng.chance(percent: 80) ? rng.element(industry.towns) : rng.element(DemoLists.towns)
        let code = creditCode(kind: "91", division: Self.fuling,
                              oldPrefixes: ["20", "55", "57", "66", "70", "73", "74", "75", "76", "77", "78", "79"],
                              newStyle: founded >= CivilDate(year: 2015, month: 10, day: 1)!, newPrefix: "MA5U")

        let revenue = rng.logUniform(Self.revenueRange(size)) / 100 * 100
        let highTech = rng.chance(percent: industry.highTechPercent)
        // High-tech status (高新技术企业) requires R&D of at least 3–5% of revenue.
        let rdBp = highTech ? rng.int(400...1200) : rng.int(100...600)
        let totalAssets = revenue / 100 * Fen(rng.int(60...200)) / 100 * 100
        let liabilities = totalAssets / 100 * Fen(rng.int(20...80))

        let input = FirmInput(
            creditCode: code, name: name, industryCode: industry.code, town: town, size: size.rawValue,
            foundedOn: founded.description, annualRevenueFen: revenue, rdExpenseFen: revenue / 10_000 * Fen(rdBp),
            totalAssetsFen: totalAssets, totalLiabilitiesFen: liabilities, employees: employees(size: size),
            highTech: highTech,
            // 专精特新 is a programme for small and medium firms.
            specialized: (size == .small || size == .medium) && rng.chance(percent: 20),
            ipDemonstration: rng.chance(percent: highTech ? 16 : 5),
            badCredit: rng.chance(percent: 4))
        return DemoFirm(input: input, industry: industry, founded: founded, size: size, brand: brand)
    }

    /// A few firms are under two years old, so the minimum-years-operating gate has something to refuse.
    mutating func foundingDate(size: FirmSize) -> CivilDate {
        let twoYearsAgo = today.adding(years: -2)
        if size != .large, rng.chance(percent: 6) {
            return rng.date(in: twoYearsAgo.adding(days: 1)...today.adding(months: -6))
        }
        return rng.date(in: CivilDate(year: 1995, month: 1, day: 1)!...twoYearsAgo)
    }

    static func revenueRange(_ size: FirmSize) -> ClosedRange<Fen> {
        let y = Money.fenPerYuan
        switch size {
        case .micro: return 2_000_000 * y...10_000_000 * y
        case .small: return 8_000_000 * y...60_000_000 * y
        case .medium: return 50_000_000 * y...400_000_000 * y
        case .large: return 400_000_000 * y...3_000_000_000 * y
        }
    }

    mutating func employees(size: FirmSize) -> Int {
        switch size {
        case .micro: rng.int(5...19)
        case .small: rng.int(20...120)
        case .medium: rng.int(100...800)
        case .large: rng.int(800...5000)
        }
    }

    /// "重庆" + 字号 + 行业词 + 有限公司, unique; 榨菜 producers read "重庆市涪陵区X榨菜食品有限公司".
    mutating func firmName(industry: DemoIndustry, size: FirmSize) -> (brand: String, name: String) {
        var attempts = 0
        while true {
            attempts += 1
            let local = industry.code == "food_processing" || industry.code == "characteristic_agriculture"
            var brand: String
            if local, rng.chance(percent: 30) {
                brand = rng.element(DemoLists.localBrands)
            } else {
                brand = String([rng.element(DemoLists.brandFirst), rng.element(DemoLists.brandSecond)])
            }
            // Past a few clashes the two-character space is crowded (large firmCount): widen it.
            if attempts > 20 { brand.append(rng.element(DemoLists.brandSecond)) }
            let word = rng.element(industry.tradeWords)
            let place = word == "榨菜食品" ? "重庆市涪陵区" : rng.weighted([("重庆", 50), ("重庆涪陵", 30), ("重庆市涪陵区", 20)])
            let suffix = (size == .large || size == .medium) && rng.chance(percent: 35) ? "股份有限公司" : "有限公司"
            let name = place + brand + word + suffix
            if firmNames.insert(name).inserted { return (brand, name) }
        }
    }

    // MARK: Assets

    /// 涪陵榨菜, registered by the association; the licences indicator counts the member producers.
    mutating func giMark(producers: Int) -> DemoAsset {
        let registered = min(CivilDate(year: 2010, month: 3, day: 28)!, today.adding(years: -3))
        let number = markNumber(filingYear: registered.year - 1)
        let input = AssetInput(
            firmId: 0, type: IPType.giCollectiveMark.rawValue, number: number, title: "涪陵榨菜",
            filingDate: registered.adding(months: -14).description, registrationDate: registered.description,
            firstUseDate: registered.description, renewalCount: renewalsToStayInForce(registered),
            legalStatus: LegalStatus.inForce.rawValue, niceClasses: [29],
            indicators: ValueIndicators(licences: producers, litigations: 0))
        return DemoAsset(firmIndex: 0, input: input, type: .giCollectiveMark, status: .inForce, valuableFrom: registered)
    }

    /// A registered collective mark is always renewed, however long ago it was registered.
    func renewalsToStayInForce(_ registered: CivilDate) -> Int {
        var renewals = 0
        while ProtectionTerm.expiry(type: .giCollectiveMark, filing: nil, registration: registered, renewals: renewals)! < today {
            renewals += 1
        }
        return renewals
    }

    /// About ten per firm, more for bigger firms, none for some, at most 40.
    mutating func assetCount(_ firm: DemoFirm) -> Int {
        if rng.chance(percent: 5) { return 0 }
        if firm.founded > today.adding(years: -2) { return rng.int(0...3) }
        switch firm.size {
        case .micro: return rng.int(1...7)
        case .small: return rng.int(3...13)
        case .medium: return rng.int(7...19)
        case .large: return rng.int(18...40)
        }
    }

    mutating func portfolio(of index: Int, firm: DemoFirm) -> [DemoAsset] {
        var result: [DemoAsset] = []
        for _ in 0..<assetCount(firm) {
            let type = rng.weighted(firm.industry.typeWeights)
            var asset: DemoAsset
            if type == .copyright {
                asset = copyright(firm: firm)
            } else if type.isPatent, let patent = patent(type, firm: firm) {
                asset = patent
            } else {
                // Also for a firm too young to have filed in a past year (patent filing years end last year).
                asset = trademark(firm: firm, first: result.isEmpty)
            }
            asset.firmIndex = index
            result.append(asset)
        }
        return result
    }

    /// Filing years run from 2008 to last year and never before the firm was founded.
    func patentWindow(_ firm: DemoFirm) -> ClosedRange<CivilDate>? {
        let start = max(CivilDate(year: 2008, month: 1, day: 1)!, firm.founded)
        let end = min(today.adding(days: -1), CivilDate(year: today.year - 1, month: 12, day: 31)!)
        return start <= end ? start...end : nil
    }

    mutating func patent(_ type: IPType, firm: DemoFirm) -> DemoAsset? {
        guard var window = patentWindow(firm) else { return nil }
        // Most utility models and designs are young enough to be in force; a few are past their term.
        if type != .invention, rng.chance(percent: 92), window.upperBound >= today.adding(years: -9) {
            window = max(window.lowerBound, today.adding(years: -9))...window.upperBound
        }
        // Inventions spread evenly over the years: skewed to recent ones, too many would still be pending.
        let filed = type == .invention ? rng.date(in: window) : rng.recentDate(in: window)
        let number = patentNumber(type: type, year: filed.year)

        // Examination takes longer for inventions (substantive examination) than for the others.
        let months = switch type {
        case .invention: rng.int(12...30)
        case .utilityModel: rng.int(6...14)
        default: rng.int(6...12)
        }
        let granted = filed.adding(months: months).adding(days: rng.int(0...27))
        let status = patentStatus(type: type, filed: filed, granted: granted)

        let title = patentTitle(type, industry: firm.industry)
        let ipc = type == .design ? [] : rng.distinct(firm.industry.ipcClasses, count: rng.weighted([(1, 55), (2, 35), (3, 10)]))
        let input = AssetInput(
            firmId: 0, type: type.rawValue, number: number, title: title, filingDate: filed.description,
            grantDate: status == .pending ? nil : granted.description, legalStatus: status.rawValue,
            ipcClasses: ipc, indicators: patentIndicators(type))
        return DemoAsset(firmIndex: 0, input: input, type: type, status: status, valuableFrom: min(granted, today))
    }

    /// Pending until granted; expired once the statutory term has run; otherwise mostly in force.
    /// Lapse (unpaid annuities) and invalidation come years after grant, freezes and disputes any time.
    mutating func patentStatus(type: IPType, filed: CivilDate, granted: CivilDate) -> LegalStatus {
        if granted > today { return .pending }
        let expiry = ProtectionTerm.expiry(type: type, filing: filed, registration: nil, renewals: 0)!
        if expiry < today { return .expired }
        if granted < today.adding(years: -2) {
            return rng.weighted([(.inForce, 950), (.lapsed, 35), (.invalidated, 5), (.frozen, 5), (.disputed, 5)])
        }
        return rng.weighted([(.inForce, 990), (.frozen, 5), (.disputed, 5)])
    }

    /// "YYYYTNNNNNNN.C" with the CNIPA check digit; unique within the dataset.
    mutating func patentNumber(type: IPType, year: Int) -> String {
        let typeDigit = switch type {
        case .invention: "1"
        case .utilityModel: "2"
        default: "3"
        }
        while true {
            let digits = String(year) + typeDigit + Self.pad(rng.int(1...2_999_999), 7)
            if patentDigits.insert(digits).inserted {
                return digits + "." + String(PatentNumber.checkCharacter(for: digits))
            }
        }
    }

    mutating func patentTitle(_ type: IPType, industry: DemoIndustry) -> String {
        switch type {
        case .invention:
            if rng.chance(percent: 25) {
                return "一种" + rng.element(industry.devices) + "及其控制方法"
            }
            return "一种" + rng.element(industry.inventionObjects) + rng.element(industry.inventionSuffixes)
        case .utilityModel:
            return "一种" + rng.element(DemoLists.qualifiers) + rng.element(industry.devices)
        default:
            return rng.element(industry.designs)
        }
    }

    mutating func patentIndicators(_ type: IPType) -> ValueIndicators {
        switch type {
        case .invention:
            return ValueIndicators(
                claims: min(30, rng.int(3...12) + (rng.chance(percent: 30) ? rng.int(0...18) : 0)),
                forwardCitations: rng.skewedLow(40),
                familySize: rng.weighted([(1, 45), (2, 25), (3, 12), (4, 8), (5, 4), (6, 3), (7, 2), (8, 1)]),
                licences: rng.weighted([(0, 85), (1, 10), (2, 3), (3, 2)]),
                litigations: rng.chance(percent: 2) ? 1 : 0)
        case .utilityModel:
            return ValueIndicators(
                claims: min(30, rng.int(1...10) + (rng.chance(percent: 15) ? rng.int(0...5) : 0)),
                forwardCitations: min(rng.skewedLow(20), rng.int(0...20)),
                familySize: rng.weighted([(1, 85), (2, 15)]),
                licences: rng.weighted([(0, 92), (1, 6), (2, 2)]),
                litigations: rng.chance(percent: 1) ? 1 : 0)
        default:
            return ValueIndicators(forwardCitations: rng.skewedLow(5), familySize: 1,
                                   licences: rng.weighted([(0, 95), (1, 5)]), litigations: 0)
        }
    }

    /// A university (产学研 joint filing) or another firm of the dataset, with a share of 10–50%.
    mutating func coOwner(excluding index: Int, firms: [DemoFirm],
                          universities: [(name: String, code: String)]) -> AssetInput.CoOwner {
        let share = rng.int(1...5) * 1000
        let consent = rng.chance(percent: 80)
        if firms.count < 3 || rng.chance(percent: 60) {
            let university = rng.element(universities)
            return .init(name: university.name, creditCode: rng.chance(percent: 70) ? university.code : nil,
                         shareBp: share, consentToPledge: consent)
        }
        var other = index
        while other == index { other = rng.int(1...(firms.count - 1)) }
        return .init(name: firms[other].input.name, creditCode: firms[other].input.creditCode, shareBp: share,
                     consentToPledge: consent)
    }

    mutating func trademark(firm: DemoFirm, first: Bool) -> DemoAsset {
        let title = first ? firm.brand
            : rng.chance(percent: 30) ? firm.brand + "及图" : rng.element(DemoLists.markWords)
        let classCount = rng.weighted([(1, 60), (2, 30), (3, 10)])
        let classes = rng.distinct(Array(Set(firm.industry.niceClasses + [35])).sorted(), count: classCount)

        if rng.chance(percent: 4) {
            // An application still under examination: filed within the last year, no registration yet.
            let filed = rng.date(in: max(firm.founded, today.adding(years: -1))...today.adding(days: -1))
            let input = AssetInput(
                firmId: 0, type: IPType.trademark.rawValue, number: markNumber(filingYear: filed.year), title: title,
                filingDate: filed.description, legalStatus: LegalStatus.pending.rawValue, niceClasses: classes)
            return DemoAsset(firmIndex: 0, input: input, type: .trademark, status: .pending, valuableFrom: today)
        }

        // No registration older than 19 years, so one renewal at most keeps a mark alive.
        let earliest = max(CivilDate(year: 2005, month: 1, day: 1)!, today.adding(years: -19), firm.founded)
        let registered = rng.recentDate(in: earliest...today.adding(days: -1))
        let filed = max(firm.founded, registered.adding(months: -rng.int(9...15)))
        let firstUse = min(today, registered.adding(days: rng.int(0...365)))
        // Renewal is possible only once the first ten years have run; most owners renew.
        let renewals = registered.adding(years: 10) < today && rng.chance(percent: 85) ? 1 : 0
        let expiry = ProtectionTerm.expiry(type: .trademark, filing: filed, registration: registered, renewals: renewals)!
        let status: LegalStatus = expiry < today
            ? .expired : rng.weighted([(.inForce, 994), (.frozen, 3), (.disputed, 3)])
        let input = AssetInput(
            firmId: 0, type: IPType.trademark.rawValue, number: markNumber(filingYear: filed.year), title: title,
            filingDate: filed.description, registrationDate: registered.description,
            firstUseDate: firstUse.description, renewalCount: renewals, legalStatus: status.rawValue,
            niceClasses: classes,
            indicators: ValueIndicators(licences: rng.weighted([(0, 80), (1, 12), (2, 5), (3, 3)]),
                                        litigations: rng.chance(percent: 2) ? 1 : 0))
        return DemoAsset(firmIndex: 0, input: input, type: .trademark, status: status, valuableFrom: registered)
    }

    /// Trademark numbers are issued in sequence, so the number fits the filing year; unique across marks.
    mutating func markNumber(filingYear: Int) -> String {
        let floors = DemoLists.markNumberFloors
        let i = floors.lastIndex { $0.year <= filingYear } ?? 0
        let low = floors[i].number
        let high = min(99_999_999, i + 1 < floors.count ? floors[i + 1].number - 1 : low + 15_000_000)
        while true {
            let number = String(rng.int(low...high))
            if markNumbers.insert(number).inserted { return number }
        }
    }

    /// A software copyright (软件著作权): "2021SR0123456", registered on its filing date.
    mutating func copyright(firm: DemoFirm) -> DemoAsset {
        let start = max(CivilDate(year: 2010, month: 1, day: 1)!, firm.founded)
        let filed = rng.recentDate(in: start...today.adding(days: -1))
        var number = ""
        repeat {
            number = String(filed.year) + "SR" + Self.pad(rng.int(1...1_999_999), 7)
        } while !copyrightNumbers.insert(number).inserted
        let title = firm.brand + rng.element(DemoLists.softwareNames) + rng.element(DemoLists.softwareVersions)
        let input = AssetInput(firmId: 0, type: IPType.copyright.rawValue, number: number, title: title,
                               filingDate: filed.description, legalStatus: LegalStatus.inForce.rawValue,
                               indicators: ValueIndicators(licences: rng.weighted([(0, 90), (1, 10)])))
        return DemoAsset(firmIndex: 0, input: input, type: .copyright, status: .inForce, valuableFrom: filed)
    }

    // MARK: Valuations

    /// A draft before its report number, which is given in date order per appraiser and year.
    struct ValuationDraft {
        var assetIndex: Int
        var appraiser: Int
        var method: ValuationMethod
        var value: Fen
        var date: CivilDate
    }

    /// About 60% of the assets in force (and the frozen or disputed ones, valued before the trouble),
    /// always the GI mark. About a third are over 12 months old, so stale-valuation gates have work.
    mutating func valuations(of assets: [DemoAsset]) -> [DemoDataset.Valuation] {
        var drafts: [ValuationDraft] = []
        for (index, asset) in assets.enumerated() {
            let isGI = asset.type == .giCollectiveMark
            guard [.inForce, .frozen, .disputed].contains(asset.status), isGI || rng.chance(percent: 60) else { continue }
            let monthsAgo = isGI ? 0...5 : rng.chance(percent: 65) ? 0...11 : 12...23
            let newest = today.adding(months: -monthsAgo.lowerBound)
            let oldest = max(today.adding(months: -monthsAgo.upperBound - 1).adding(days: 1), asset.valuableFrom)
            // An asset granted after the drawn window is valued after its grant instead.
            let date = oldest <= newest ? rng.date(in: oldest...newest) : rng.date(in: asset.valuableFrom...today)
            let appraiser = isGI
                ? rng.int(2...3)
                : rng.weighted(DemoLists.appraisers.enumerated().map { ($0.offset, $0.element.weight) })
            drafts.append(ValuationDraft(
                assetIndex: index, appraiser: appraiser,
                method: isGI ? .income : rng.weighted([(.income, 75), (.market, 15), (.cost, 10)]),
                value: valueFen(asset.type),
                date: date))
        }

        let numbers = reportNumbers(for: drafts)
        return drafts.enumerated().map { i, draft in
            DemoDataset.Valuation(assetIndex: draft.assetIndex, input: ValuationInput(
                assetId: 0, appraiser: DemoLists.appraisers[draft.appraiser].name, method: draft.method.rawValue,
                valueFen: draft.value, valuationDate: draft.date.description,
                validUntil: draft.date.adding(months: 12).description, reportNumber: numbers[i]))
        }
    }

    /// Appraised values by type, in fen, rounded to ¥10,000 (reports state them in 万元).
    mutating func valueFen(_ type: IPType) -> Fen {
        let wan = 10_000 * Money.fenPerYuan
        let value = switch type {
        case .utilityModel: rng.logUniform(20 * wan...300 * wan)
        case .invention: rng.logUniform(100 * wan...2_000 * wan)
        case .design: rng.logUniform(10 * wan...100 * wan)
        case .trademark: rng.logUniform(50 * wan...1_000 * wan)
        case .copyright: rng.logUniform(20 * wan...200 * wan)
        case .giCollectiveMark: rng.fen(45_000 * wan...55_000 * wan)
        }
        return value / wan * wan
    }

    /// "华康评报字[2025]第0123号": numbered in date order within each appraiser's year, with gaps for
    /// the reports the appraiser wrote for other clients.
    mutating func reportNumbers(for drafts: [ValuationDraft]) -> [String] {
        let order = drafts.indices.sorted { (drafts[$0].date, $0) < (drafts[$1].date, $1) }
        var next: [String: Int] = [:]
        var numbers = Array(repeating: "", count: drafts.count)
        for i in order {
            let appraiser = DemoLists.appraisers[drafts[i].appraiser]
            let year = drafts[i].date.year
            let key = "\(drafts[i].appraiser)/\(year)"
            let serial = (next[key] ?? rng.int(1...120)) + rng.int(1...6)
            next[key] = serial
            numbers[i] = "\(appraiser.prefix)[\(year)]第\(Self.pad(serial, 4))号"
        }
        return numbers
    }
}
