// AD-CLIP inspection station: plain JavaScript, no build step.
'use strict';
const $ = (id) => document.getElementById(id);
const state = {
  key: sessionStorage.getItem('adclip-key') || '',
  info: null,
  result: null,        // last inspection: {score, regions, width, height, overlay, original, name, source}
  threshold: 0.5,      // session threshold (slider)
  shiftStart: localStorage.getItem('adclip-shift') || null,
  watchAfter: -1,
  followTimer: null,
};

function message(text) { $('message').textContent = text || ''; }

// a threshold or score with 3 significant digits: 0.18789103627204895 -> "0.188"
function sig3(v) { return Number(v).toPrecision(3); }

// the slider's step: 1/100 of the threshold's order of magnitude, so it moves by the threshold's 3rd digit
function sliderStep(t) {
  const magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(Math.abs(Number(t)), 1e-4))));
  return Math.min(0.01, Math.max(1e-5, magnitude / 100));
}

function showModel(info) {
  const m = info.model_info || {};
  $('model').textContent = m.name || info.model;
  $('model').title = m.file || info.model;
  const meta = [];
  if (m.name && m.file) meta.push(m.file);
  if (m.trained) {
    const when = new Date(m.trained);
    meta.push('trained ' + (isNaN(when) ? m.trained : when.toLocaleString(undefined,
        { dateStyle: 'medium', timeStyle: 'short' })));
  }
  if (m.clip) meta.push('CLIP ' + m.clip);
  $('model-meta').textContent = meta.join(' · ');
  $('random-banner').hidden = !m.random_weights;
}

function askKey() {
  return new Promise((resolve) => {
    const dialog = $('key-dialog');
    $('key-input').value = '';
    dialog.addEventListener('close', () => {
      state.key = $('key-input').value.trim();
      sessionStorage.setItem('adclip-key', state.key);
      resolve(state.key);
    }, { once: true });
    dialog.showModal();
  });
}

async function api(path, options = {}, retried = false) {
  const headers = Object.assign({}, options.headers || {});
  if (state.key) headers['X-API-Key'] = state.key;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && !retried) {
    $('key-button').hidden = false;
    await askKey();
    return api(path, options, true);
  }
  return response;
}

async function errorText(response) {
  try { const body = await response.json(); return body.error || response.statusText; }
  catch (e) { return response.statusText; }
}

async function loadInfo() {
  const response = await api('/api/v1/info');
  if (!response.ok) { message('Cannot reach the station: ' + await errorText(response)); return; }
  state.info = await response.json();
  showModel(state.info);
  $('slider').step = sliderStep(state.info.threshold);
  $('key-button').hidden = !state.info.api_key_required;
  $('save-threshold').disabled = !state.info.threshold_saving;
  $('save-threshold').title = state.info.threshold_saving ? '' : 'Needs the station started with --api-key and a bundle';
  $('add-reference').hidden = !state.info.reference_bank;
  $('add-reference').disabled = true;
  $('add-reference').title = state.info.reference_saving ? 'Add the current image to the bundle\'s good reference images'
      : 'Needs the station started with --api-key';
  $('follow').disabled = !state.info.watch;
  $('follow').parentElement.title = state.info.watch ? '' : 'Start the station with --watch-results FILE';
  setThreshold(state.info.threshold);
}

async function pollReady() {
  try {
    const response = await fetch('/ready');
    $('status').textContent = response.ok ? 'ready' : 'warming up';
    $('status').className = 'pill' + (response.ok ? ' ready' : '');
  } catch (e) {
    $('status').textContent = 'offline';
    $('status').className = 'pill down';
  }
}

function setThreshold(t) {
  state.threshold = Math.min(1, Math.max(0, Number(t)));
  $('slider').value = state.threshold;
  $('slider-value').textContent = sig3(state.threshold);
  render();
}

function render() {
  const r = state.result;
  const verdict = $('verdict');
  $('bar-mark').style.left = (state.threshold * 100) + '%';
  if (!r) { verdict.className = 'verdict none'; verdict.textContent = '—'; return; }
  if (r.error) {
    verdict.className = 'verdict none'; verdict.textContent = 'ERR';
    $('score').textContent = r.error; $('threshold-line').textContent = '';
    return;
  }
  const ng = r.score >= state.threshold;
  verdict.className = 'verdict ' + (ng ? 'NG' : 'OK');
  verdict.textContent = ng ? 'NG' : 'OK';
  $('score').textContent = 'score ' + sig3(r.score);
  $('threshold-line').textContent = (ng ? '≥ ' : '< ') + sig3(state.threshold)
      + (state.info && Math.abs(state.threshold - state.info.threshold) > 1e-9 ? ' (session)' : '');
  $('bar-fill').style.width = (r.score * 100) + '%';
  $('bar-fill').style.background = ng ? 'var(--ng)' : 'var(--ok)';
  $('name').textContent = r.name + (r.source ? ' · ' + r.source : '') + (r.ms != null ? ' · ' + r.ms + ' ms' : '');
  $('regions').textContent = (r.regions ? r.regions.length + ' region(s)' : '')
      + (ng && r.types ? ' · ' + typeLabel(r.types) : '');
  const heat = $('heat').checked && r.overlay;
  const view = $('view');
  const src = heat ? r.overlay : (r.original || r.overlay);
  if (view.getAttribute('src') !== src) view.src = src;
  view.dataset.heat = heat ? 'on' : 'off';
  $('stage').hidden = false;
  $('hint').classList.add('muted');
  drawBoxes();
}

function fitView() {
  // scale the picture (up or down) to the space available, keeping its aspect ratio
  const view = $('view');
  const drop = $('drop');
  if (!view.naturalWidth) return;
  const availW = drop.clientWidth - 24, availH = Math.max(200, window.innerHeight - 300);
  const scale = Math.min(availW / view.naturalWidth, availH / view.naturalHeight);
  view.style.width = Math.round(view.naturalWidth * scale) + 'px';
  view.style.height = Math.round(view.naturalHeight * scale) + 'px';
}

// a defect-type distribution {name: probability} (most probable first) as "scratch 87%"
function typeLabel(types) {
  const names = Object.keys(types);
  return names.length ? names[0] + ' ' + Math.round(100 * types[names[0]]) + '%' : '';
}

function drawBoxes() {
  const r = state.result;
  const canvas = $('boxes');
  const view = $('view');
  fitView();
  canvas.width = view.clientWidth; canvas.height = view.clientHeight;
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  // the heat-map overlay has the boxes and their numbers burned in; the plain picture gets them here
  if (!r || !r.regions || !r.width || $('view').dataset.heat === 'on') return;
  const sx = canvas.width / r.width, sy = canvas.height / r.height;
  const size = Math.round(Math.max(12, Math.min(28, Math.min(canvas.width, canvas.height) / 24)));
  g.lineWidth = 3; g.strokeStyle = '#00e5ff'; g.font = 'bold ' + size + 'px sans-serif'; g.fillStyle = '#00e5ff';
  r.regions.forEach((region, i) => {
    const [x, y, w, h] = region.box;
    g.strokeRect(x * sx, y * sy, w * sx, h * sy);
    g.fillText(String(i + 1) + (region.types ? ' ' + typeLabel(region.types) : ''), x * sx + 3,
        Math.max(size, y * sy - 4));
  });
}

async function inspect(file) {
  if (!file) return;
  message('Inspecting ' + file.name + ' …');
  const form = new FormData();
  form.append('image', file, file.name);
  const query = '?overlay=true&map=true&threshold=' + state.threshold;
  const response = await api('/api/v1/inspect' + query, { method: 'POST', body: form });
  if (!response.ok) {
    message(response.status + ': ' + await errorText(response));
    return;
  }
  const body = await response.json();
  if (state.result && state.result.original && state.result.original.startsWith('blob:')) {
    URL.revokeObjectURL(state.result.original);
  }
  state.result = {
    score: body.score, regions: body.regions, width: body.width, height: body.height, ms: body.ms,
    types: body.types, overlay: 'data:image/png;base64,' + body.overlay, original: URL.createObjectURL(file), name: file.name,
    file: file,
  };
  $('add-reference').disabled = !(state.info && state.info.reference_saving);
  message('');
  render();
  loadHistory();
}

async function loadHistory() {
  const since = state.shiftStart ? '&since=' + encodeURIComponent(state.shiftStart) : '';
  const response = await api('/api/v1/history?limit=40' + since);
  if (!response.ok) return;
  const body = await response.json();
  $('count-ok').textContent = body.counts.ok;
  $('count-ng').textContent = body.counts.ng;
  const strip = $('history');
  strip.textContent = '';
  for (const item of body.items) {
    const div = document.createElement('div');
    div.className = 'thumb ' + item.verdict;
    div.title = item.name + ' · ' + item.score.toFixed(3) + ' · ' + new Date(item.time).toLocaleTimeString();
    const img = document.createElement('img');
    if (item.thumbnail) img.src = item.thumbnail;
    img.alt = item.verdict;
    div.appendChild(img);
    const label = document.createElement('div');
    label.textContent = item.verdict + ' ' + sig3(item.score);
    div.appendChild(label);
    strip.appendChild(div);
  }
}

async function followOnce() {
  const response = await api('/api/v1/watch?limit=20&after=' + state.watchAfter);
  if (!response.ok) { message('Hot folder: ' + await errorText(response)); return; }
  const rows = (await response.json()).rows;
  if (!rows.length) return;
  const last = rows[rows.length - 1];
  state.watchAfter = last.id;
  let overlay = null;
  if (last.has_overlay) {
    const image = await api('/api/v1/watch/' + last.id + '/overlay');
    if (image.ok) overlay = URL.createObjectURL(await image.blob());
  }
  if (state.result && state.result.overlay && state.result.overlay.startsWith('blob:')) {
    URL.revokeObjectURL(state.result.overlay);
  }
  state.result = last.error ? { error: last.file + ': ' + last.error } : {
    score: last.score, regions: null, width: 0, height: 0, overlay, original: null, name: last.file,
    source: 'hot folder', ms: null,
  };
  render();
}

function setFollow(on) {
  clearInterval(state.followTimer);
  state.followTimer = null;
  if (on) {
    state.watchAfter = -1;
    followOnce();
    state.followTimer = setInterval(followOnce, 1000);
  }
}

function wire() {
  const drop = $('drop');
  ['dragenter', 'dragover'].forEach((e) => drop.addEventListener(e, (ev) => {
    ev.preventDefault(); drop.classList.add('over');
  }));
  ['dragleave', 'drop'].forEach((e) => drop.addEventListener(e, (ev) => {
    ev.preventDefault(); drop.classList.remove('over');
  }));
  drop.addEventListener('drop', (ev) => inspect(ev.dataTransfer.files[0]));
  $('file').addEventListener('change', (ev) => { inspect(ev.target.files[0]); ev.target.value = ''; });
  $('slider').addEventListener('input', (ev) => setThreshold(ev.target.value));
  $('reset-threshold').addEventListener('click', () => state.info && setThreshold(state.info.threshold));
  $('heat').addEventListener('change', render);
  $('follow').addEventListener('change', (ev) => setFollow(ev.target.checked));
  $('view').addEventListener('load', drawBoxes);
  window.addEventListener('resize', drawBoxes);
  $('key-button').addEventListener('click', async () => { await askKey(); loadInfo(); loadHistory(); });
  $('new-shift').addEventListener('click', () => {
    state.shiftStart = new Date().toISOString();
    localStorage.setItem('adclip-shift', state.shiftStart);
    loadHistory();
  });
  $('add-reference').addEventListener('click', async () => {
    const r = state.result;
    if (!r || !r.file) return;
    if (!confirm('Add ' + r.name + ' to the bundle\'s good reference images? The old bundle is kept as .bak.')) return;
    const form = new FormData();
    form.append('image', r.file, r.name);
    const response = await api('/api/v1/reference', { method: 'POST', body: form });
    if (!response.ok) { message('Not added: ' + await errorText(response)); return; }
    const body = await response.json();
    message('Added ' + r.name + ' as a good reference (' + body.images + ' in ' + body.bundle + ', previous kept as '
        + body.backup + ')');
  });
  $('save-threshold').addEventListener('click', async () => {
    if (!confirm('Save threshold ' + sig3(state.threshold) + ' into the bundle? The old bundle is kept as .bak.')) return;
    const response = await api('/api/v1/threshold', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ threshold: state.threshold }),
    });
    if (!response.ok) { message('Not saved: ' + await errorText(response)); return; }
    const body = await response.json();
    state.info.threshold = body.threshold;
    message('Saved ' + sig3(body.threshold) + ' into ' + body.bundle + ' (previous kept as ' + body.backup + ')');
    render();
  });
}

wire();
pollReady();
setInterval(pollReady, 5000);
loadInfo().then(loadHistory);
setInterval(loadHistory, 15000);
