import Foundation

/// Line charts drawn on the server as SVG: they print, need no script and no library.
struct ConsoleChart: Sendable {
    struct Series: Sendable {
        var label: String
        var points: [(x: Int, y: Int64)]
        var colour: String
        var dashed = false
    }

    var title: String
    var xLabels: [String]
    var series: [Series]
    var yFormat: @Sendable (Int64) -> String

    private let width = 860.0, height = 340.0, left = 92.0, right = 20.0, top = 20.0, bottom = 64.0

    func svg() -> HTML {
        let count = max(xLabels.count, 2)
        let maxY = max(series.flatMap { $0.points.map(\.y) }.max() ?? 1, 1)
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Int) -> Double { left + plotW * Double(x) / Double(count - 1) }
        func py(_ y: Int64) -> Double { top + plotH * (1 - Double(y) / Double(maxY)) }
        var grid: [HTML] = []
        for i in 0...4 {
            let value = Int64(Double(maxY) * Double(i) / 4)
            let y = py(value)
            grid.append("<line x1=\"\(HTML(raw: fmt(left)))\" y1=\"\(HTML(raw: fmt(y)))\" x2=\"\(HTML(raw: fmt(width - right)))\" y2=\"\(HTML(raw: fmt(y)))\" stroke=\"#d5dbe1\"/>")
            grid.append("<text x=\"\(HTML(raw: fmt(left - 6)))\" y=\"\(HTML(raw: fmt(y + 4)))\" text-anchor=\"end\" font-size=\"11\">\(yFormat(value))</text>")
        }
        let step = max(1, xLabels.count / 12)
        var ticks: [HTML] = []
        for (i, label) in xLabels.enumerated() where i % step == 0 || i == xLabels.count - 1 {
            ticks.append("<text x=\"\(HTML(raw: fmt(px(i))))\" y=\"\(HTML(raw: fmt(height - bottom + 16)))\" text-anchor=\"middle\" font-size=\"10\">\(label)</text>")
        }
        var lines: [HTML] = [], legend: [HTML] = []
        for (n, s) in series.enumerated() where !s.points.isEmpty {
            let d = s.points.map { "\(fmt(px($0.x))),\(fmt(py($0.y)))" }.joined(separator: " ")
            lines.append("<polyline fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"2.5\"\(s.dashed ? HTML(raw: " stroke-dasharray=\"7 5\"") : .empty) points=\"\(d)\"/>")
            let lx = left + Double(n) * 250
            legend.append("<line x1=\"\(HTML(raw: fmt(lx)))\" y1=\"\(HTML(raw: fmt(height - 14)))\" x2=\"\(HTML(raw: fmt(lx + 28)))\" y2=\"\(HTML(raw: fmt(height - 14)))\" stroke=\"\(s.colour)\" stroke-width=\"3\"\(s.dashed ? HTML(raw: " stroke-dasharray=\"7 5\"") : .empty)/>")
            legend.append("<text x=\"\(HTML(raw: fmt(lx + 34)))\" y=\"\(HTML(raw: fmt(height - 10)))\" font-size=\"12\">\(s.label)</text>")
        }
        return """
        <figure class="chart"><svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg">
        <title>\(title)</title>\(grid)\(ticks)\(lines)\(legend)</svg></figure>
        """
    }

    private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
