/// The console's one stylesheet, served by the binary itself: intranets are often cut off from the
/// internet, so nothing is fetched from anywhere else. System CJK fonts first (Noto CJK on Linux,
/// Microsoft YaHei on Windows, PingFang on macOS).
enum ConsoleAssets {
    static let css = """
    :root { --ink:#1d2733; --muted:#4a5868; --line:#c9d2dc; --bg:#f5f7fa; --accent:#0b5cad; --good:#1d6b36; --bad:#a12622; --warn:#8a5a00; }
    * { box-sizing: border-box; }
    html { font-size: 15px; }
    body { margin:0; color:var(--ink); background:var(--bg); line-height:1.55;
      font-family: "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif; }
    a { color: var(--accent); }
    a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f2b01e; outline-offset: 1px; }
    .skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; z-index:9; }
    header.top { display:flex; flex-wrap:wrap; gap:12px 20px; align-items:center; padding:10px 20px; background:#0f3d6e; color:#fff; }
    header.top a { color:#fff; } .brand { font-weight:700; text-decoration:none; font-size:1.1rem; margin-right:auto; }
    .who { display:flex; gap:10px; align-items:center; } .who form { margin:0; }
    button.link { background:none; border:1px solid #fff; color:#fff; border-radius:4px; padding:2px 10px; cursor:pointer; font:inherit; }
    nav ul { list-style:none; margin:0; padding:0 20px; display:flex; flex-wrap:wrap; gap:4px; background:#fff; border-bottom:1px solid var(--line); }
    nav a { display:block; padding:10px 12px; text-decoration:none; color:var(--ink); }
    nav a[aria-current=page] { border-bottom:3px solid var(--accent); font-weight:700; }
    main { padding:16px 20px 40px; max-width:1280px; }
    h1 { font-size:1.45rem; margin:8px 0 14px; } h2 { font-size:1.15rem; margin:22px 0 8px; }
    .cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(220px,1fr)); gap:12px; }
    .card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 14px; }
    .card .figure { font-size:1.35rem; font-weight:700; } .card .label { color:var(--muted); }
    .scroll { overflow-x:auto; background:#fff; border:1px solid var(--line); border-radius:6px; }
    table { border-collapse:collapse; width:100%; } caption { text-align:left; padding:8px 10px; font-weight:700; }
    th, td { padding:7px 10px; border-top:1px solid var(--line); text-align:left; vertical-align:top; }
    th { background:#eef2f6; white-space:nowrap; } td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
    form.filters, form.stack { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 14px; margin:0 0 14px; }
    form.filters { display:flex; flex-wrap:wrap; gap:10px 16px; align-items:flex-end; }
    form.stack .field { margin-bottom:12px; } label { display:block; font-weight:600; margin-bottom:3px; }
    input, select, textarea { font:inherit; padding:6px 8px; border:1px solid #7a8897; border-radius:4px; min-width:12em; background:#fff; color:var(--ink); }
    button, .button { font:inherit; background:var(--accent); color:#fff; border:0; border-radius:4px; padding:7px 16px; cursor:pointer; text-decoration:none; display:inline-block; }
    button.secondary { background:#fff; color:var(--accent); border:1px solid var(--accent); }
    button.danger { background:var(--bad); }
    .field-error { color:var(--bad); font-weight:600; margin-top:3px; } [aria-invalid=true] { border-color:var(--bad); border-width:2px; }
    .problem { border-left:5px solid var(--bad); background:#fdeeee; padding:10px 14px; margin:0 0 14px; }
    .notice { border-left:5px solid var(--good); background:#eaf6ee; padding:10px 14px; margin:0 0 14px; }
    .pass { color:var(--good); font-weight:700; } .fail { color:var(--bad); font-weight:700; } .warn { color:var(--warn); font-weight:700; }
    .muted { color:var(--muted); } .empty { color:var(--muted); font-style:italic; }
    .pager { margin:10px 0; display:flex; gap:12px; }
    .chart { background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px; max-width:900px; }
    .chart svg { width:100%; height:auto; display:block; }
    .actions { display:flex; flex-wrap:wrap; gap:8px; margin:10px 0; } .actions form { margin:0; }
    dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 14px; }
    dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; }
    .login { max-width:420px; margin:40px auto; } label.inline { display:inline; font-weight:400; }
    input[type=checkbox] { min-width:0; width:auto; } form.stack input:not([type=checkbox]), form.stack select { width:min(100%, 28em); }
    .print-only { display:none; }
    @media (max-width: 800px) { main { padding:12px; } input, select { min-width:0; width:100%; } form.filters > div { flex:1 1 45%; } }
    @media print {
      @page { size: A4; margin: 16mm 12mm 18mm; @bottom-center { content: counter(page) " / " counter(pages); } }
      body { background:#fff; font-size:10.5pt; } header.top, nav, form.filters, .actions, .skip, .no-print { display:none !important; }
      .print-only { display:block; } main { padding:0; max-width:none; } .scroll, .chart, .card { border:0; }
      table { font-size:9.5pt; } th { background:#eee !important; } tr { break-inside: avoid; }
    }
    """
}
