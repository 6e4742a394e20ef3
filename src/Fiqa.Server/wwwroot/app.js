// Fiqa's page: everything here talks to the same host's /v1 endpoints; no external assets.
'use strict';
const $ = (id) => document.getElementById(id);
let profiles = [];
let loads = 0;
let uploads = 0;

function headers(type) {
  const h = { 'Content-Type': type || 'application/octet-stream' };
  const key = $('api-key').value.trim();
  if (key) h['X-Api-Key'] = key;
  return h;
}

// The catalogues the page reads (the profiles), with the key as typed now. A service started with --api-key answers
// 401 until the key is right: that is a state of the key field, not an error of the profile list.
async function loadCatalogues() {
  const load = ++loads;
  const r = await fetch('/v1/profiles', { headers: headers() });
  if (load !== loads) return profiles.length > 0; // a newer key was typed meanwhile: its load decides
  if (r.status === 401) {
    const typed = $('api-key').value.trim() !== '';
    profiles = [];
    keyState(typed ? 'refused' : 'needed', typed ? 'this API key is refused: check it' : 'this service needs an API key: enter it');
    $('profile').innerHTML = `<option value="">${typed ? 'API key refused' : 'enter the API key'}</option>`;
    $('profile').disabled = true;
    return false;
  }
  if (!r.ok) { status('profiles: ' + (await errorText(r)), true); return false; }
  profiles = await r.json();
  const wasLocked = $('profile').disabled;
  keyState('', '');
  const chosen = $('profile').value;
  $('profile').innerHTML = profiles.map((p) => `<option value="${p.name}">${p.name}</option>`).join('');
  if (profiles.some((p) => p.name === chosen)) $('profile').value = chosen;
  $('profile').disabled = false;
  if (wasLocked) status('');
  return true;
}

function keyState(state, text) {
  $('key-label').className = state;
  $('key-state').className = state;
  $('key-state').textContent = text;
}

function status(text, error) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

async function errorText(r) {
  try { return (await r.json()).error || r.statusText; } catch { return r.status + ' ' + r.statusText; }
}

function errorOf(text, r) {
  try { return JSON.parse(text).error || r.statusText; } catch { return r.status + ' ' + (r.statusText || 'error'); }
}

function clearPicture() {
  const img = $('annotated');
  if (img.src) URL.revokeObjectURL(img.src);
  img.removeAttribute('src');
  $('faces').textContent = '';
}

// A failed upload leaves nothing of the previous photo on screen: the image and the verdict make way for the error.
function failure(name, message) {
  clearPicture();
  $('result').hidden = false;
  $('annotated').hidden = true;
  $('details').hidden = true;
  $('failure').hidden = false;
  $('failure-text').textContent = name + ': ' + message;
  status(name + ': not assessed', true);
}

async function assess(blob, name) {
  if (!profiles.length && !(await loadCatalogues())) {
    status(name + ': not sent: ' + ($('key-state').textContent || 'the profiles could not be loaded'), true);
    return;
  }
  const profile = $('profile').value;
  // Every face, so a group photo shows each of them boxed; the primary (largest) one comes first and is judged.
  const query = `profile=${encodeURIComponent(profile)}&name=${encodeURIComponent(name)}&all_faces=true`;
  status('assessing ' + name + ' …');
  const type = blob.type || 'application/octet-stream';
  const upload = ++uploads;
  const [records, picture] = await Promise.all([
    fetch('/v1/assess?' + query, { method: 'POST', headers: headers(type), body: blob }),
    fetch('/v1/annotate?' + query, { method: 'POST', headers: headers(type), body: blob }),
  ]);
  const text = await records.text();
  if (upload !== uploads) return; // a newer photo was dropped meanwhile: it is the one to show
  let lines = [];
  try { lines = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)); } catch { lines = []; }
  const record = lines[0];
  if (!records.ok && !(records.status === 422 && record && record.status)) { failure(name, errorOf(text, records)); return; }
  if (!record) { failure(name, 'the service answered no record'); return; }
  if (record.status === 'error') { failure(name, record.error || 'unreadable'); return; }
  clearPicture();
  $('failure').hidden = true;
  $('details').hidden = false;
  const image = picture.ok ? URL.createObjectURL(await picture.blob()) : null;
  const pictureError = picture.ok ? '' : 'annotated image: ' + (await errorText(picture));
  if (image) $('annotated').src = image;
  $('annotated').hidden = !image;
  const faces = lines.filter((l) => l.status === 'ok').length;
  $('faces').textContent = [faces > 1 ? `${faces} faces found: the primary (largest, solid box) is judged; the other ${faces - 1} are dashed.` : '', pictureError]
    .filter((t) => t).join(' ');
  show(record, profiles.find((p) => p.name === profile));
  status(name + ': ' + (record.status === 'ok' ? 'assessed' : record.status.replace('_', ' ')));
}

function show(record, profile) {
  $('result').hidden = false;
  // No verdict (no profile chosen) is said as such: never a FAIL without reasons.
  const verdict = record.verdict || { pass: null, reasons: [] };
  $('verdict').textContent = verdict.pass === null ? 'no verdict (no profile)' : verdict.pass ? 'PASS' : 'FAIL';
  $('verdict').className = verdict.pass === null ? 'none' : verdict.pass ? 'pass' : 'fail';
  $('reasons').innerHTML = '';
  for (const r of verdict.reasons) {
    const li = document.createElement('li');
    li.textContent = r.text;
    li.dataset.code = r.code;
    $('reasons').appendChild(li);
  }
  // A calibrated profile's verdict names the calibration it was judged against.
  const c = verdict.calibration;
  $('calibration').hidden = !c;
  $('calibration').textContent = c ? `Judged against calibrated profile ${c.profile}: ${c.population || c.file}, ${c.date || ''} (sha256 ${c.sha256.slice(0, 12)})` : '';
  const q = record.quality || {};
  $('unified').textContent = q.UnifiedQualityScore ? q.UnifiedQualityScore.scalar : '–';
  $('bars').innerHTML = '';
  for (const [id, m] of Object.entries(q)) {
    const row = document.createElement('div');
    row.className = 'row';
    // The record says, per judged component, the profile's requirement and whether it is met: the bar's colour is that
    // verdict, its length the component's general 0..100 scalar, and the value and tooltip say both.
    const req = m.requirement;
    const cls = m.status !== 'success' ? 'na' : req ? (req.pass ? 'ok' : 'fail') : 'free';
    row.innerHTML = `<span class="name"></span><span class="track"><span class="bar ${cls}" data-measure="${id}"></span></span><span class="value"></span>`;
    row.querySelector('.name').textContent = id;
    row.querySelector('.value').textContent = m.status !== 'success' ? 'n/a' : m.scalar + (req ? (req.pass ? ' ✓' : ' ✗') : '');
    if (m.status === 'success') row.querySelector('.bar').style.width = m.scalar + '%';
    const raw = m.raw === null ? '' : 'raw ' + m.raw;
    row.title = m.reason
      || (req ? `${raw}; profile requires ${req.text}: ${req.pass ? 'met' : 'not met'} (the bar's length is the 0..100 scalar, its colour this requirement)` : raw);
    $('bars').appendChild(row);
  }
}

function onFiles(files) {
  const file = files && files[0];
  if (file) assess(file, file.name).catch((e) => failure(file.name, String(e)));
}

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); onFiles(e.dataTransfer.files); });
$('file').addEventListener('change', (e) => onFiles(e.target.files));
$('profile').addEventListener('change', () => { if ($('file').files[0]) onFiles($('file').files); });

$('camera').addEventListener('click', async () => {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 960 } });
    $('video').srcObject = stream;
    $('video').hidden = false;
    $('snap').hidden = false;
  } catch (e) { status('camera: ' + e.message, true); }
});
$('snap').addEventListener('click', () => {
  const v = $('video');
  const c = document.createElement('canvas');
  c.width = v.videoWidth; c.height = v.videoHeight;
  c.getContext('2d').drawImage(v, 0, 0);
  c.toBlob((b) => assess(b, 'camera.jpg').catch((e) => failure('camera.jpg', String(e))), 'image/jpeg', 0.95);
});

let keyTimer = 0;
$('api-key').addEventListener('input', () => {
  clearTimeout(keyTimer);
  keyTimer = setTimeout(() => loadCatalogues().catch((e) => status(String(e), true)), 300);
});
$('api-key').addEventListener('change', () => { clearTimeout(keyTimer); loadCatalogues().catch((e) => status(String(e), true)); });

loadCatalogues().catch((e) => status(String(e), true));
