/// The names of the industry codes (the industries table, from 0002_reference_data.sql), so a text a
/// person reads names an industry (特色农业) and never shows its code (characteristic_agriculture).
/// The core imports no database; a database test holds this table equal to the industries table.
public enum IndustryNames {
    public static let labels: [String: Label] = [
        "advanced_materials": Label("先进材料", "Advanced materials"),
        "equipment": Label("装备制造", "Equipment manufacturing"),
        "biomedicine": Label("生物医药", "Biomedicine"),
        "new_energy": Label("新能源及新型储能", "New energy and energy storage"),
        "semiconductors": Label("芯片半导体", "Chips and semiconductors"),
        "artificial_intelligence": Label("人工智能", "Artificial intelligence"),
        "food_processing": Label("食品加工（含涪陵榨菜）", "Food processing (incl. Fuling zhacai)"),
        "characteristic_agriculture": Label("特色农业", "Characteristic agriculture"),
        "shale_gas": Label("页岩气及化工", "Shale gas and chemicals"),
        "smart_construction": Label("智能建造", "Smart construction"),
        "services": Label("科技服务", "Technology services"),
        "other": Label("其他", "Other"),
    ]

    /// The industry's name; an unknown code (a test fixture's) is shown as it is.
    public static func label(_ code: String) -> Label { labels[code] ?? Label(code, code) }
}
