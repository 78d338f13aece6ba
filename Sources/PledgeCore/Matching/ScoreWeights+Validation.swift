extension ScoreWeights {
    /// Weights are percentages of the score: each 0…100 and together exactly 100, or the per-factor
    /// hundredths would no longer add up to a 0–100 score.
    public func validated() throws(ValidationFailure) -> ScoreWeights {
        var c = Checker()
        let parts: [(Int, String, Label)] = [
            (ipValue, "ipValue", Label("知识产权价值权重", "The IP value weight")),
            (coverage, "coverage", Label("押品覆盖权重", "The coverage weight")),
            (firmStrength, "firmStrength", Label("企业实力权重", "The firm strength weight")),
            (strategicFit, "strategicFit", Label("战略契合权重", "The strategic fit weight")),
            (risk, "risk", Label("风险权重", "The risk weight")),
        ]
        for (value, name, label) in parts where !(0...100).contains(value) {
            c.add(FieldError("out_of_range", field: "weights.\(name)",
                             zh: "\(label.zh)必须在 0 到 100 之间，当前为 \(value)",
                             en: "\(label.en) must be between 0 and 100, not \(value)"))
        }
        // Summed with overflow detection: `total` would trap on weights near Int.max from a hostile body.
        var sum = 0, overflow = false
        for (value, _, _) in parts {
            let (next, o) = sum.addingReportingOverflow(value)
            sum = next; overflow = overflow || o
        }
        if overflow || sum != 100 {
            let shown = overflow ? "溢出" : "\(sum)", shownEn = overflow ? "an overflowing number" : "\(sum)"
            c.add(FieldError("weights_sum", field: "weights",
                             zh: "评分权重合计必须为 100，当前为 \(shown)",
                             en: "The score weights must sum to 100, not \(shownEn)"))
        }
        try c.finish()
        return self
    }
}
