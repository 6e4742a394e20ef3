// Fiqa's page: everything here talks to the same host's /v1 endpoints; no external assets.
'use strict';
const $ = (id) => document.getElementById(id);
let profiles = [];

function headers(type) {
  const h = { 'Content-Type': type || 'application/octet-stream' };
  const key = $('api-key').value.trim();
  if (key) h['X-Api-Key'] = key;
  return h;
}

async function loadProfiles() {
  const r = await fetch('/v1/profiles', { headers: headers() });
  if (!r.ok) { status('profiles: ' + (await errorText(r)), true); return; }
  profiles = await r.json();
  $('profile').innerHTML = profiles.map((p) => `<option value="${p.name}">${p.name}</option>`).join('');
}

function status(text, error) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

async function errorText(r) {
  try { return (await r.json()).error || r.statusText; } catch { return r.status + ' ' + r.statusText; }
}

async function assess(blob, name) {
  const profile = $('profile').value;
  const query = `profile=${encodeURIComponent(profile)}&name=${encodeURIComponent(name)}`;
  status('assessing ' + name + ' …');
  const type = blob.type || 'application/octet-stream';
  const [records, picture] = await Promise.all([
    fetch('/v1/assess?' + query, { method: 'POST', headers: headers(type), body: blob }),
    fetch('/v1/annotate?' + query, { method: 'POST', headers: headers(type), body: blob }),
  ]);
  const text = await records.text();
  if (!records.ok && records.status !== 422) { status(name + ': ' + (JSON.parse(text).error || records.status), true); return; }
  const lines = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (picture.ok) $('annotated').src = URL.createObjectURL(await picture.blob());
  show(lines[0], profiles.find((p) => p.name === profile));
  status(name + ': ' + (lines[0].status === 'ok' ? 'assessed' : lines[0].status));
}

function show(record, profile) {
  $('result').hidden = false;
  const verdict = record.verdict || { pass: false, reasons: [] };
  $('verdict').textContent = verdict.pass ? 'PASS' : 'FAIL';
  $('verdict').className = verdict.pass ? 'pass' : 'fail';
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
  const failing = new Set(verdict.reasons.map((r) => r.measure).filter((m) => m));
  const required = new Set(profile ? profile.requirements.map((r) => r.measure) : []);
  $('bars').innerHTML = '';
  for (const [id, m] of Object.entries(q)) {
    const row = document.createElement('div');
    row.className = 'row';
    const cls = m.status !== 'success' ? 'na' : failing.has(id) ? 'fail' : required.has(id) ? 'ok' : 'free';
    row.innerHTML = `<span class="name"></span><span class="track"><span class="bar ${cls}" data-measure="${id}"></span></span><span class="value"></span>`;
    row.querySelector('.name').textContent = id;
    row.querySelector('.value').textContent = m.status === 'success' ? m.scalar : 'n/a';
    if (m.status === 'success') row.querySelector('.bar').style.width = m.scalar + '%';
    row.title = m.reason || (m.raw === null ? '' : 'raw ' + m.raw);
    $('bars').appendChild(row);
  }
}

function onFiles(files) {
  if (files && files[0]) assess(files[0], files[0].name).catch((e) => status(String(e), true));
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
  c.toBlob((b) => assess(b, 'camera.jpg').catch((e) => status(String(e), true)), 'image/jpeg', 0.95);
});

loadProfiles().catch((e) => status(String(e), true));
