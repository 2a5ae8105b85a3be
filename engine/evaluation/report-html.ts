/**
 * The evaluation report as one self-contained HTML file (no external files, scripts or fonts): a header that
 * says what the figures are (model, cases, role, label source, command), a summary, box plots per metric
 * (inline SVG), a per-case table sortable by any column, and for each case its worst axial slices with the
 * reference and prediction outlines (inline PNG).
 */
import { formatMetricValue, labelSourceWords, metricName, roleMeaning } from '../common/metrics/roles.js';
import { SUMMARY_METRICS, type EvaluationRun, type SummaryMetric } from './evaluation-run.js';

/** Slices along the axial axis; slices are shown 1-based, as the app's viewer numbers them. */
const sliceCount = (c: EvaluationRun['cases'][number]) => c.dims[c.sliceAxis];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** numpy.percentile's linear interpolation, on sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const r = q * (sorted.length - 1);
  const lo = Math.floor(r);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (r - lo);
}

/** A horizontal box plot (quartiles, whiskers at min/max) with every case as a dot named on hover. */
function boxPlot(metric: SummaryMetric, points: readonly { caseId: string; value: number }[]): string {
  const w = 320;
  const h = 64;
  const pad = 14;
  if (points.length === 0) return `<svg width="${w}" height="${h}" role="img"><text x="${pad}" y="36" class="muted">no values</text></svg>`;
  const v = points.map((p) => p.value).sort((a, b) => a - b);
  const bounded = metric === 'dice' || metric === 'iou' || metric === 'nsd';
  let lo = bounded ? Math.min(v[0], 0.5) : Math.min(v[0], 0);
  let hi = bounded ? 1 : Math.max(v[v.length - 1], lo + 1e-9);
  if (hi - lo < 1e-9) (lo -= 1), (hi += 1);
  const x = (t: number) => pad + ((t - lo) / (hi - lo)) * (w - 2 * pad);
  const [q1, med, q3] = [0.25, 0.5, 0.75].map((q) => quantile(v, q));
  const dots = points
    .map(
      (p, i) =>
        `<circle cx="${x(p.value).toFixed(1)}" cy="${(22 + ((i * 7) % 16)).toFixed(1)}" r="3" class="dot">` +
        `<title>${esc(p.caseId)}: ${formatMetricValue(metric, p.value)}</title></circle>`,
    )
    .join('');
  return (
    `<svg width="${w}" height="${h}" role="img" aria-label="${esc(metricName(metric))} box plot">
<line x1="${x(v[0])}" x2="${x(v[v.length - 1])}" y1="30" y2="30" class="whisker"/>
<rect x="${x(q1)}" y="18" width="${Math.max(1, x(q3) - x(q1))}" height="24" class="box"/>
<line x1="${x(med)}" x2="${x(med)}" y1="18" y2="42" class="median"/>${dots}
<text x="${pad}" y="58" class="axis">${formatMetricValue(metric, lo)}</text>` +
    `<text x="${w - pad}" y="58" class="axis" text-anchor="end">${formatMetricValue(metric, hi)}</text>
</svg>`
  );
}

const STYLE =
  `body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330;background:#fbfbfc}h1{font-size:20px}` +
  `h2{font-size:16px;margin-top:28px}
.muted{color:#667}.tag{display:inline-block;padding:1px 8px;border-radius:10px;background:#e8ecf4;margin-right:6px}
.tag.train{background:#f9d9d9}.tag.selection{background:#fbe9c6}.tag.heldOut{background:#d5f0dc}
table{border-collapse:collapse;margin-top:8px}th,td{padding:4px 10px;border-bottom:1px solid #dde;text-align:right}
th{cursor:pointer;user-select:none;background:#eef1f6;position:sticky;top:0}th:first-child,td:first-child{text-align:left}
th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
.plots{display:flex;flex-wrap:wrap;gap:16px}.plot{background:#fff;border:1px solid #dde;border-radius:6px;padding:6px 10px}
.box{fill:#c9d6f2;stroke:#3a5aa8}.whisker{stroke:#3a5aa8}.median{stroke:#10245c;stroke-width:2}.dot{fill:#d0317a;opacity:.8}
.axis{font-size:10px;fill:#667}.case{background:#fff;border:1px solid #dde;border-radius:6px;padding:8px 12px;margin:12px 0}
.thumbs{display:flex;flex-wrap:wrap;gap:10px}.thumbs figure{margin:0}.thumbs img{border:1px solid #333;max-width:320px;height:auto}
figcaption{font-size:12px;color:#445}.legend span{display:inline-block;width:12px;height:3px;margin:0 4px 3px 10px;vertical-align:middle}`;

/**
 * Sorting by any column: cells carry data-v (a number, or empty for "—", which sorts last). Exported because the
 * app's Content-Security-Policy allows exactly this inline script, by its hash, when the app opens a report.
 */
export const REPORT_SCRIPT =
  `document.querySelectorAll('table.sortable').forEach(t=>{` +
  `t.querySelectorAll('th').forEach((th,i)=>th.addEventListener('click',()=>{
const asc=!th.classList.contains('sorted-asc');t.querySelectorAll('th').forEach(h=>h.classList.remove('sorted-asc','sorted-desc'));` +
  `th.classList.add(asc?'sorted-asc':'sorted-desc');
const rows=[...t.tBodies[0].rows];const key=r=>{const c=r.cells[i];const v=c.dataset.v;` +
  `return v===undefined?c.textContent:v===''?null:Number(v)};
rows.sort((a,b)=>{const x=key(a),y=key(b);if(x===null)return 1;if(y===null)return -1;` +
  `const d=typeof x==='number'?x-y:String(x).localeCompare(String(y));return asc?d:-d});
rows.forEach(r=>t.tBodies[0].appendChild(r))}))});`;

export function renderReportHtml(run: EvaluationRun): string {
  const labels = Object.keys(run.summary);
  const multi = labels.length > 1;
  const roleTag = (role: string) =>
    `<span class="tag ${role}" title="${esc(roleMeaning(role as 'train'))}">${role === 'heldOut' ? 'held-out' : role}</span>`;
  const title =
    `${run.model.name} ${run.model.version} on ${run.split ? `the ${run.split} split` : 'named cases'} ` +
    `(${run.cases.length} case${run.cases.length === 1 ? '' : 's'})`;
  const summaryRows = labels
    .flatMap((label) =>
      SUMMARY_METRICS.map((m) => {
        const s = run.summary[label][m];
        const name = run.cases[0]?.labels.find((l) => l.label === label)?.name ?? label;
        return (
          `<tr><td>${esc(metricName(m))}${multi ? ` (${esc(name)})` : ''}</td><td>${formatMetricValue(m, s.mean)}</td>` +
          `<td>${formatMetricValue(m, s.median)}</td><td>${formatMetricValue(m, s.min)}</td>` +
          `<td>${formatMetricValue(m, s.max)}</td><td>${s.n}</td></tr>`
        );
      }),
    )
    .join('\n');
  const plots = labels
    .flatMap((label) =>
      SUMMARY_METRICS.map((m) => {
        const points = run.cases.flatMap((c) => {
          const v = c.labels.find((l) => l.label === label)?.[m];
          return v === null || v === undefined ? [] : [{ caseId: c.caseId, value: v }];
        });
        return `<div class="plot"><div>${esc(metricName(m))}${multi ? ` · label ${esc(label)}` : ''}</div>${boxPlot(m, points)}</div>`;
      }),
    )
    .join('\n');
  const head = [
    'case',
    'role',
    ...(multi ? ['label'] : []),
    ...SUMMARY_METRICS.map(metricName),
    'pred mL',
    'ref mL',
    'reference',
    'worst slice',
  ];
  const rows = run.cases
    .flatMap((c) =>
      c.labels.map((l) => {
        const cells = [
          `<td><a href="#case-${esc(c.caseId)}">${esc(c.caseId)}</a></td>`,
          `<td data-v="${['train', 'selection', 'heldOut'].indexOf(c.role)}">${roleTag(c.role)}</td>`,
          ...(multi ? [`<td>${esc(l.name)}</td>`] : []),
          ...SUMMARY_METRICS.map((m) => `<td data-v="${l[m] ?? ''}">${formatMetricValue(m, l[m])}</td>`),
          `<td data-v="${l.predictionMl}">${l.predictionMl.toFixed(1)}</td>`,
          `<td data-v="${l.referenceMl}">${l.referenceMl.toFixed(1)}</td>`,
          `<td>${esc(`${c.referenceVersion} (${c.referenceSource})`)}</td>`,
          `<td data-v="${c.worstSlices[0] ?? ''}">` +
            `${c.worstSlices[0] === undefined ? '—' : `${c.worstSlices[0] + 1} / ${sliceCount(c)}`}</td>`,
        ];
        return `<tr>${cells.join('')}</tr>`;
      }),
    )
    .join('\n');
  const caseBlocks = run.cases
    .map((c) => {
      const figs = c.thumbnails
        .map(
          (t) =>
            `<figure><img alt="${esc(c.caseId)} slice ${t.slice}" width="${t.width}" height="${t.height}" ` +
            `src="data:image/png;base64,${t.pngBase64}">` +
            `<figcaption>slice ${t.slice + 1} / ${sliceCount(c)} · ${t.disagreementVoxels} voxels differ</figcaption></figure>`,
        )
        .join('');
      const line = c.labels
        .map(
          (l) =>
            `${esc(l.name)}: Dice ${formatMetricValue('dice', l.dice)}, ` +
            `HD95 ${formatMetricValue('hd95Mm', l.hd95Mm)}, NSD ${formatMetricValue('nsd', l.nsd)}` +
            `${l.empty !== 'none' ? ` (empty: ${l.empty})` : ''}`,
        )
        .join('; ');
      return (
        `<div class="case" id="case-${esc(c.caseId)}"><b>${esc(c.caseId)}</b> ${roleTag(c.role)} ` +
        `<span class="muted">${c.dims.join('×')} voxels, ${c.spacingMm.map((s) => s.toFixed(2)).join('×')} mm · ${line}</span>
<div class="thumbs">${figs || '<span class="muted">prediction and reference agree on every slice</span>'}</div></div>`
      );
    })
    .join('\n');
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(title)}</h1>
<p>${roleTag(run.role)} ${esc(roleMeaning(run.role))}</p>
<p>References: <b>${esc(labelSourceWords(run.labelSource))}</b> (each case's latest verified label version). ` +
    `Model <code>${esc(run.model.id)}</code>
run through the full segmentation pipeline (its own ROI, threshold and post-processing).</p>
<p class="muted">Metrics on each image's own grid and spacing. HD95 = max of the two directed 95th percentiles of boundary-voxel
distances and ASSD = mean of both, as MONAI; NSD = share of both surfaces' area within ${run.nsdToleranceMm} mm of the other
(DeepMind surface-distance: marching-cubes surfels weighted by area);
ΔVolume = prediction − reference. Empty prediction or reference: Dice 0, NSD 0, no distance (—).<br>
Command: <code>${esc(run.command)}</code> · ${esc(run.startedAt)} – ${esc(run.finishedAt)}</p>
<h2>Summary</h2>
<table><thead><tr><th>metric</th><th>mean</th><th>median</th><th>min</th><th>max</th><th>n</th></tr></thead><tbody>
${summaryRows}
</tbody></table>
<h2>Distribution over cases</h2>
<div class="plots">${plots}</div>
<h2>Cases <span class="muted">(click a column to sort)</span></h2>
<table class="sortable" id="cases"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
<h2>Worst slices <span class="legend muted"><span style="background:rgb(40,220,90)"></span>reference` +
    `<span style="background:rgb(240,60,220)"></span>prediction` +
    `<span style="background:#fff;outline:1px solid #999"></span>both</span></h2>
${caseBlocks}
<script>${REPORT_SCRIPT}</script>
</body></html>
`
  );
}
