// lamtheo browser journeys: starts a real `lamtheo serve --demo` on a fresh SQLite database, drives
// Debian's Chromium through the main journeys, and saves screenshots under e2e/screenshots/.
// Usage: node run.mjs [path-to-lamtheo-binary]
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.argv[2] || join(here, '..', 'target', 'debug', 'lamtheo');
const shots = join(here, 'screenshots');
mkdirSync(shots, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'lamtheo-e2e-'));
const port = 18000 + Math.floor(Math.random() * 2000);
const base = `http://127.0.0.1:${port}`;
const ADMIN_PASSWORD = 'e2e-matkhau-2026';

let failures = 0;
const results = [];
async function journey(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failures++;
    results.push(`  ✗ ${name}: ${e && e.stack ? e.stack : e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

// --- start the server and read the demo accounts it prints ---
const server = spawn(bin, ['--data-dir', dataDir, 'serve', '--demo', '--listen', `127.0.0.1:${port}`], {
  env: { ...process.env, LAMTHEO_ADMIN_PASSWORD: ADMIN_PASSWORD, LAMTHEO_LOG: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
server.stdout.on('data', (d) => { out += d.toString(); });
// The city demo loads in about a minute on a quiet 2-core machine; allow for a busy one.
const deadline = Date.now() + 600000;
while (!out.includes('đang chạy tại')) {
  if (Date.now() > deadline || server.exitCode !== null) { console.error(out); throw new Error('server did not start'); }
  await new Promise((r) => setTimeout(r, 200));
}
const accounts = {};
for (const line of out.split('\n')) {
  const m = line.match(/^\s+(\S+)\s+(\S+)\s+(admin|office|secretary|inspector|member)\s/);
  if (m) accounts[m[1]] = m[2];
}
accounts.admin = accounts.admin || ADMIN_PASSWORD;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function login(page, username, password) {
  await page.goto(`${base}/dang-nhap`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

async function apiToken(username, password) {
  const r = await fetch(`${base}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  assert(r.ok, `token for ${username}: ${r.status}`);
  return (await r.json()).token;
}

try {
  await journey('đăng nhập và xem tổng quan', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await page.goto(base);
    assert(page.url().includes('/dang-nhap'), 'anonymous visitor is sent to the login page');
    await page.screenshot({ path: join(shots, '01-dang-nhap.png') });
    await page.fill('#username', 'admin');
    await page.fill('#password', 'sai-mat-khau-1');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    assert((await page.textContent('.flash.err')).includes('không đúng'), 'wrong password is refused in Vietnamese');
    await login(page, 'admin', accounts.admin);
    assert((await page.textContent('h1')).includes('Thành ủy Bến Tre'), 'dashboard shows the root unit');
    assert((await page.textContent('.tree')).includes('Phường 7'), 'tree lists the wards');
    await page.screenshot({ path: join(shots, '02-tong-quan.png'), fullPage: true });
    await ctx.close();
  });

  await journey('tìm đảng viên bằng tên không dấu', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'admin', accounts.admin);
    // Take a real member with diacritics from the API, then search for the folded name.
    const token = await apiToken('admin', accounts.admin);
    const list = await (await fetch(`${base}/api/v1/members?q=nguyen&per_page=1`, { headers: { authorization: `Bearer ${token}` } })).json();
    const name = list.items[0].full_name;
    const folded = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
    await page.goto(`${base}/dang-vien`);
    await page.fill('input[name=q]', folded);
    await Promise.all([page.waitForNavigation(), page.click('form.searchbar button')]);
    const table = await page.textContent('table');
    assert(table.includes(name), `searching "${folded}" finds "${name}"`);
    await page.screenshot({ path: join(shots, '03-tim-khong-dau.png'), fullPage: true });
    await page.click(`text=${name}`);
    assert((await page.textContent('h1')).includes(name), 'member page opens');
    await page.screenshot({ path: join(shots, '04-ho-so-dang-vien.png'), fullPage: true });
    await ctx.close();
  });

  await journey('nhập tệp có lỗi và xem danh sách lỗi', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'admin', accounts.admin);
    const csv = '\ufeffMã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại\n'
      + 'KHONG-CO,Trần Văn Bình,12/03/1980,Nam,09123456,083080001111,03/02/2010,03/02/2011,,0912345678\n'
      + 'P7,,31/02/1980,Nam,09123457,083080001112,03/02/2010,03/02/2009,,0912345679\n';
    const file = join(dataDir, 'loi.csv');
    writeFileSync(file, csv);
    await page.goto(`${base}/nhap-du-lieu`);
    await page.setInputFiles('#file-members', file);
    await Promise.all([page.waitForNavigation(), page.click('form:has(#file-members) button[type=submit]')]);
    const text = await page.textContent('.errors-list');
    assert(text.includes('KHONG-CO'), 'unknown unit code is reported');
    assert(text.includes('Họ và tên'), 'missing name is reported with its column');
    assert((await page.textContent('body')).includes('Không nhập dòng nào'), 'nothing was imported');
    await page.screenshot({ path: join(shots, '05-nhap-loi.png'), fullPage: true });
    await ctx.close();
  });

  await journey('bí thư phường không mở được đảng viên phường khác', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const page = await ctx.newPage();
    const token = await apiToken('admin', accounts.admin);
    const other = await (await fetch(`${base}/api/v1/members?unit=SD&per_page=1`, { headers: { authorization: `Bearer ${token}` } })).json();
    const own = await (await fetch(`${base}/api/v1/members?unit=P7&per_page=1`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert(other.items.length && own.items.length, 'demo has members in both wards');
    await login(page, 'bithu.p7', accounts['bithu.p7']);
    await page.goto(`${base}/dang-vien/${own.items[0].id}`);
    assert((await page.textContent('h1')).includes(own.items[0].full_name), 'own ward member opens');
    await page.screenshot({ path: join(shots, '06-bi-thu-dien-thoai.png'), fullPage: true });
    const resp = await page.goto(`${base}/dang-vien/${other.items[0].id}`);
    assert(resp.status() === 404, `other ward member answers 404, got ${resp.status()}`);
    const body = await page.textContent('body');
    assert(!body.includes(other.items[0].full_name), 'the other member name is not shown');
    assert(body.includes('Không tìm thấy'), 'the not-found page is shown');
    await page.screenshot({ path: join(shots, '07-ngoai-pham-vi.png'), fullPage: true });
    await page.goto(`${base}/dang-vien?q=${encodeURIComponent(other.items[0].full_name)}`);
    const list = await page.textContent('table');
    assert(!list.includes(other.items[0].unit_name), 'search never lists the other ward');
    await page.goto(`${base}/dang-vien`);
    await page.screenshot({ path: join(shots, '08-danh-sach-dien-thoai.png'), fullPage: false });
    await ctx.close();
  });
  await journey('sửa hồ sơ sai ngày: lỗi hiện cạnh ô, giữ nguyên dữ liệu đã gõ', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    const token = await apiToken('admin', accounts.admin);
    const one = await (await fetch(`${base}/api/v1/members?unit=P7&per_page=1`, { headers: { authorization: `Bearer ${token}` } })).json();
    await login(page, 'bithu.p7', accounts['bithu.p7']);
    await page.goto(`${base}/dang-vien/${one.items[0].id}/sua`);
    await page.fill('#phone', '0912 000 111');
    await page.fill('#joined_on', '2010-05-01');
    await page.fill('#official_on', '2009-05-01');
    await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
    const err = await page.textContent('#official_on-err');
    assert(err.includes('không được trước ngày vào Đảng'), `error beside the field: ${err}`);
    assert((await page.inputValue('#phone')) === '0912 000 111', 'typed phone is kept');
    await page.screenshot({ path: join(shots, '09-loi-canh-o.png'), fullPage: true });
    await ctx.close();
  });

  await journey('quản lý đơn vị: thêm chi bộ, báo lỗi mã trùng', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'admin', accounts.admin);
    const token = await apiToken('admin', accounts.admin);
    const units = await (await fetch(`${base}/api/v1/units?unit=P7`, { headers: { authorization: `Bearer ${token}` } })).json();
    const p7 = units.items.find((u) => u.code === 'P7');
    await page.goto(`${base}/don-vi/${p7.id}`);
    await page.fill('#a-code', 'P7-KP1');
    await page.fill('#a-name', 'Chi bộ trùng mã');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/them"] button[type=submit]')]);
    assert((await page.textContent('body')).includes('đã tồn tại'), 'duplicate code is reported');
    assert((await page.inputValue('#a-name')) === 'Chi bộ trùng mã', 'typed name is kept');
    await page.screenshot({ path: join(shots, '10-don-vi-loi.png'), fullPage: true });
    await page.fill('#a-code', 'P7-KP99');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/them"] button[type=submit]')]);
    assert((await page.textContent('h1')).includes('Chi bộ trùng mã'), 'the new unit page opens');
    assert((await page.textContent('.crumbs')).includes('Phường 7'), 'it sits under Phường 7');
    await ctx.close();
  });
  await journey('quản trị đặt lại mật khẩu cho bí thư, bí thư đăng nhập bằng mật khẩu mới', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'admin', accounts.admin);
    await page.goto(`${base}/tai-khoan`);
    const row = page.locator('tr', { hasText: 'bithu.sd' });
    await row.locator('summary', { hasText: 'Đặt lại mật khẩu' }).click();
    await row.locator('input[name=password]').fill('ngan');
    await Promise.all([page.waitForNavigation(), row.locator('form[action$="/mat-khau"] button').click()]);
    assert((await page.textContent('.flash.err')).includes('ít nhất 10 ký tự'), 'a weak password is refused in Vietnamese');
    const row2 = page.locator('tr', { hasText: 'bithu.sd' });
    await row2.locator('summary', { hasText: 'Đặt lại mật khẩu' }).click();
    await row2.locator('input[name=password]').fill('matkhaumoi2027');
    await Promise.all([page.waitForNavigation(), row2.locator('form[action$="/mat-khau"] button').click()]);
    assert((await page.textContent('.flash.ok')).includes('Đã đặt lại mật khẩu'), 'reset confirmed');
    accounts['bithu.sd'] = 'matkhaumoi2027';
    await page.screenshot({ path: join(shots, '11-tai-khoan.png'), fullPage: true });
    const other = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: 'vi-VN' });
    const p2 = await other.newPage();
    await login(p2, 'bithu.sd', 'matkhaumoi2027');
    assert((await p2.textContent('h1')).includes('Sơn Đông'), 'the secretary lands on their own commune');
    await other.close();
    await ctx.close();
  });
  await journey('bí thư chi bộ điểm danh trên điện thoại, đảng viên tự điểm danh bằng mã, bảng đơn vị hiện tỷ lệ mới', async () => {
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };
    const sctx = await browser.newContext(phone);
    const sec = await sctx.newPage();
    await login(sec, 'bithu.p7kp1', accounts['bithu.p7kp1']);
    await sec.goto(`${base}/hoc-tap/moi`);
    await sec.selectOption('#unit_code', 'P7-KP1');
    await sec.fill('#title', 'Học tập chuyên đề năm nay (kiểm thử)');
    await sec.fill('#place', 'Nhà văn hóa Khu phố 1');
    await sec.screenshot({ path: join(shots, '12-tao-buoi-hoc.png'), fullPage: true });
    await Promise.all([sec.waitForNavigation(), sec.click('form[action="/hoc-tap/moi"] button[type=submit]')]);
    assert((await sec.textContent('h1')).includes('Học tập chuyên đề năm nay'), 'the session page opens');
    const sessionUrl = sec.url().split('?')[0];
    const expectedText = await sec.textContent('.stats .card:nth-child(2) .stat');
    const expected = Number(expectedText.split('/')[1].replace(/\./g, ''));
    assert(expected > 10, `the cell's members are expected (${expectedText})`);
    // Open self check-in and read the code shown to the room.
    await Promise.all([sec.waitForNavigation(), sec.click('form[action$="/mo-diem-danh"] button')]);
    const code = (await sec.textContent('#ma-diem-danh')).trim();
    assert(/^\d{6}$/.test(code), `a 6-digit code is shown (${code})`);
    assert(await sec.locator('img[src$="/qr.svg"]').isVisible(), 'the QR code is shown');
    const qr = await sec.request.get(`${sessionUrl}/qr.svg`);
    assert(qr.ok() && (await qr.text()).includes('<svg'), 'the QR code is an SVG made by the server');
    await sec.screenshot({ path: join(shots, '13-ma-diem-danh.png') });

    // A member checks in on their phone with the code; a second try is refused.
    const mctx = await browser.newContext(phone);
    const mem = await mctx.newPage();
    await login(mem, 'dangvien.p7', accounts['dangvien.p7']);
    await mem.goto(`${base}/diem-danh`);
    await mem.fill('#ma', '000000' === code ? '111111' : '000000');
    await Promise.all([mem.waitForNavigation(), mem.click('#xac-nhan')]);
    assert((await mem.textContent('#loi')).length > 5, 'a wrong code is refused with a message');
    await mem.fill('#ma', code);
    await Promise.all([mem.waitForNavigation(), mem.click('#xac-nhan')]);
    const done = await mem.textContent('#ket-qua');
    assert(done.includes('Đã điểm danh'), `check-in confirmed (${done})`);
    await mem.screenshot({ path: join(shots, '14-tu-diem-danh.png') });
    await mem.fill('#ma', code);
    await Promise.all([mem.waitForNavigation(), mem.click('#xac-nhan')]);
    assert((await mem.textContent('#loi')).includes('đã điểm danh'), 'a replayed code is refused');
    // The member sees only their own mark on the session page.
    await mem.goto(sessionUrl);
    assert((await mem.locator('.sheet-row').count()) === 1, 'a member sees only their own row');
    // Their own attendance history, from their record.
    await mem.goto(base);
    await Promise.all([mem.waitForNavigation(), mem.click('text=Chuyên cần học tập, sinh hoạt')]);
    const history = await mem.textContent('#lich-su-diem-danh');
    assert(history.includes('Học tập chuyên đề năm nay') && history.includes('Học tập chuyên đề năm 2019'), 'history lists today\'s and the demo sessions');
    await mem.screenshot({ path: join(shots, '14b-chuyen-can-cua-toi.png'), fullPage: false });
    await mctx.close();

    // The secretary marks everyone present, then taps two exceptions and saves.
    await sec.goto(sessionUrl);
    assert((await sec.locator('.sheet-row[data-status="present"], .sheet-row[data-status="late"]').count()) === 1, 'the self check-in shows on the sheet');
    await Promise.all([sec.waitForNavigation(), sec.click('#tat-ca-co-mat')]);
    assert((await sec.textContent('.flash.ok')).includes('Đã lưu điểm danh'), 'all present saved');
    const rows = sec.locator('.sheet-row');
    await rows.nth(2).locator('.seg-excused').click();
    await rows.nth(3).locator('.seg-absent').click();
    await sec.screenshot({ path: join(shots, '15-phieu-diem-danh.png'), fullPage: false });
    await Promise.all([sec.waitForNavigation(), sec.click('#luu-diem-danh')]);
    assert((await sec.textContent('.flash.ok')).includes('Đã lưu điểm danh'), 'exceptions saved');
    const tally = await sec.textContent('.stats .card:nth-child(2) .stat');
    assert(tally.replace(/\./g, '') === `${expected - 2}/${expected}`, `tally after marking: ${tally}`);
    await sec.screenshot({ path: join(shots, '16-buoi-hoc-sau-diem-danh.png'), fullPage: true });
    await sctx.close();

    // The ward secretary's unit table shows the cell's new rate.
    const wctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const ward = await wctx.newPage();
    await login(ward, 'bithu.p7', accounts['bithu.p7']);
    await ward.goto(`${base}/chuyen-can`);
    const row = ward.locator('#bang-don-vi tr', { hasText: 'Chi bộ Khu phố 1' }).first();
    const pct = ((expected - 2) / expected * 100).toFixed(1).replace('.', ',').replace(/,0$/, '') + '%';
    const rowText = await row.textContent();
    assert(rowText.includes(pct), `the cell row shows ${pct}: ${rowText}`);
    await ward.screenshot({ path: join(shots, '17-ty-le-don-vi.png'), fullPage: true });
    await wctx.close();
  });
  await journey('bí thư phường tìm một đảng viên trên phiếu điểm danh cả phường bằng tên không dấu, lọc theo chi bộ', async () => {
    const token = await apiToken('bithu.p7', accounts['bithu.p7']);
    const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
    const r = await fetch(`${base}/api/v1/study-sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ unit_code: 'P7', date: today, title: 'Học tập chuyên đề toàn phường (kiểm thử)' }) });
    assert(r.status === 201, `a ward session: ${r.status}`);
    const id = (await r.json()).id;
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await login(page, 'bithu.p7', accounts['bithu.p7']);
    await page.goto(`${base}/hoc-tap/${id}`);
    const total = await page.locator('.sheet-row').count();
    assert(total > 200, `the whole ward is on the sheet (${total} rows)`);
    assert((await page.locator('h3.sheet-group').count()) > 3, 'one titled list per cell');
    const name = (await page.locator('.sheet-row .name').nth(Math.floor(total / 2)).textContent()).trim();
    const plain = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
    await page.fill('#loc-tim', plain);
    await Promise.all([page.waitForNavigation(), page.click('.sheet-filter button[type=submit]')]);
    const names = await page.locator('.sheet-row .name').allTextContents();
    assert(names.length >= 1 && names.length < 10 && names.some((n) => n.trim() === name), `found by the name without diacritics: ${names}`);
    assert((await page.textContent('#bang-diem-danh')).includes('đang xem'), 'the heading says how many are shown');
    await page.screenshot({ path: join(shots, '15a-tim-tren-phieu-diem-danh.png'), fullPage: true });
    // One cell only.
    await page.goto(`${base}/hoc-tap/${id}`);
    const option = page.locator('#loc-chi-bo option').nth(2);
    const cellLabel = (await option.textContent()).split(' (')[0];
    await page.selectOption('#loc-chi-bo', await option.getAttribute('value'));
    await Promise.all([page.waitForNavigation(), page.click('.sheet-filter button[type=submit]')]);
    const groups = await page.locator('h3.sheet-group').allTextContents();
    assert(groups.length === 1 && groups[0].includes(cellLabel), `one cell shown: ${groups}`);
    await ctx.close();
  });
  await journey('văn phòng xem tỷ lệ học tập năm 2019 toàn thành phố, sổ sinh hoạt chi bộ và kế hoạch', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'vanphong', accounts['vanphong']);
    assert((await page.textContent('#ty-le-theo-nam')).includes('Năm 2016'), 'the dashboard lists the yearly rates');
    assert((await page.locator('svg[aria-labelledby=bd-ty-le-nam] rect').count()) > 8, 'and draws them as bars by year');
    await page.screenshot({ path: join(shots, '18a-tong-quan-ty-le.png'), fullPage: true });
    await page.goto(`${base}/chuyen-can?tu=2019-01-01&den=2019-12-31`);
    const rate = (await page.textContent('#ty-le-don-vi')).trim();
    const value = Number(rate.replace('%', '').replace(',', '.'));
    assert(value > 98 && value < 100, `the city's 2019 study attendance is above 98% (${rate})`);
    assert((await page.textContent('.stat-label')).includes('43-KH/TU'), 'the plan target is shown');
    assert((await page.locator('svg[aria-labelledby=bd-ty-le-don-vi] text', { hasText: 'Phường 7' }).count()) === 1, 'the rates page draws each ward');
    await page.screenshot({ path: join(shots, '18-ty-le-2019-thanh-pho.png'), fullPage: true });
    // Drill down into a ward.
    await Promise.all([page.waitForNavigation(), page.click('#bang-don-vi a >> text=Phường 7')]);
    assert((await page.textContent('h1')).includes('Phường 7'), 'drill-down to the ward');
    await page.goto(`${base}/hoc-tap?nam=2019&xem=lich&thang=6`);
    await page.screenshot({ path: join(shots, '19-lich-hoc-tap.png'), fullPage: true });
    await page.goto(`${base}/ke-hoach`);
    assert((await page.textContent('#ke-hoach')).includes('43-KH/TU'), 'Kế hoạch 43-KH/TU is listed');
    await page.screenshot({ path: join(shots, '20-ke-hoach.png'), fullPage: true });
    await ctx.close();
    const cctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: 'vi-VN' });
    const cell = await cctx.newPage();
    await login(cell, 'bithu.p7kp1', accounts['bithu.p7kp1']);
    await cell.goto(`${base}/sinh-hoat?nam=2019`);
    assert((await cell.locator('#so-sinh-hoat tbody tr').count()) >= 12, 'a row per month of 2019');
    await cell.screenshot({ path: join(shots, '21-so-sinh-hoat.png'), fullPage: true });
    await cctx.close();
  });
  await journey('đảng viên viết bản đăng ký trên điện thoại, thấy cảnh báo chung chung và sửa; bí thư trả lại một nội dung rồi duyệt', async () => {
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };
    const year = new Date().getFullYear();
    const mctx = await browser.newContext(phone);
    const mem = await mctx.newPage();
    await login(mem, 'dangvien.p7', accounts['dangvien.p7']);
    await mem.goto(`${base}/dang-ky`);
    // On a phone the menu folds: a short header that names the current section, opened by a tap.
    const header = await mem.locator('.topbar').boundingBox();
    assert(header.height < 130, `the phone header is short: ${header.height} px`);
    assert(!(await mem.locator('nav.main').isVisible()), 'the menu is folded');
    assert((await mem.textContent('.menu-toggle')).includes('Đăng ký làm theo'), 'the folded menu names the section');
    await mem.click('.menu-toggle');
    assert(await mem.locator('nav.main a.active', { hasText: 'Đăng ký làm theo' }).isVisible(), 'opened, the current item is marked');
    await mem.screenshot({ path: join(shots, '20a-menu-dien-thoai.png'), fullPage: false });
    await mem.click('.menu-toggle');
    await Promise.all([mem.waitForNavigation(), mem.click(`text=Viết bản đăng ký năm ${year}`)]);
    await mem.fill('#content_0', 'Vận động 15 hộ dân trong tổ đóng góp ngày công làm đường bê tông hẻm 5, Khu phố 1');
    await mem.fill('#duty_0', 'Công tác dân vận');
    await mem.fill('#target_0', '15 hộ');
    await mem.fill('#deadline_0', `30/09/${year}`);
    await mem.fill('#content_1', 'Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước');
    // The check runs as the member writes: the vague item is explained before saving.
    const liveFlag = mem.locator('[data-flags-for="1"] li', { hasText: 'Chung chung' });
    await liveFlag.first().waitFor({ timeout: 10000 });
    assert((await mem.locator('[data-flags-for="0"] li').count()) === 0, 'the specific item has no warning');
    await liveFlag.first().scrollIntoViewIfNeeded();
    await mem.screenshot({ path: join(shots, '22-dang-ky-canh-bao.png'), fullPage: false });
    await Promise.all([mem.waitForNavigation(), mem.click('button[value=save]')]);
    assert((await mem.textContent('.flash.ok')).includes('Đã lưu bản nháp'), 'draft saved');
    assert((await mem.textContent('[data-flags-for="1"]')).includes('Chung chung'), 'the saved draft shows the vague warning');
    // Submitting with a warning on the page asks first; "Hủy" keeps the draft where it is.
    let asked = '';
    mem.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    const before = mem.url();
    await mem.click('button[value=submit]');
    await mem.waitForTimeout(500);
    assert(asked.includes('Vẫn nộp?') && mem.url() === before, `submitting with warnings asks first: ${asked}`);
    // Fix it: a concrete task tied to the member's life in the cell, with a number and a date.
    await mem.fill('#content_1', 'Tham gia đầy đủ các buổi sinh hoạt chi bộ, mỗi quý đóng góp ít nhất 01 ý kiến bằng văn bản');
    await mem.fill('#duty_1', 'Sinh hoạt chi bộ');
    await mem.fill('#target_1', '04 ý kiến');
    await mem.fill('#deadline_1', `15/12/${year}`);
    await mem.locator('[data-flags-for="1"] li').first().waitFor({ state: 'detached', timeout: 10000 });
    await mem.screenshot({ path: join(shots, '23-dang-ky-da-sua.png'), fullPage: true });
    await Promise.all([mem.waitForNavigation(), mem.click('button[value=submit]')]);
    assert((await mem.textContent('.flash.ok')).includes('Đã nộp'), 'submitted');
    assert((await mem.textContent('main')).includes('Chờ duyệt'), 'status is waiting for approval');
    const regUrl = mem.url().split('?')[0];
    const name = (await mem.textContent('h1 a')).trim();

    // The cell secretary finds it in the queue, returns item 2 with a comment.
    const sctx = await browser.newContext(phone);
    const sec = await sctx.newPage();
    await login(sec, 'bithu.p7kp1', accounts['bithu.p7kp1']);
    await sec.goto(`${base}/dang-ky`);
    assert((await sec.textContent('#cho-duyet')).includes('Chờ tôi duyệt'), 'the queue is shown');
    await sec.screenshot({ path: join(shots, '24-hang-cho-duyet.png'), fullPage: true });
    await Promise.all([sec.waitForNavigation(), sec.click(`table a >> text=${name}`)]);
    await sec.fill('#c_2', 'Ghi rõ ý kiến đóng góp về việc gì (ví dụ: công tác vận động nhân dân ở Khu phố 1)');
    await sec.screenshot({ path: join(shots, '25-tra-lai-noi-dung.png'), fullPage: false });
    await Promise.all([sec.waitForNavigation(), sec.click('button[value=return]')]);
    assert((await sec.textContent('.flash.ok')).includes('Đã trả lại'), 'returned');

    // The member sees the comment on item 2, edits and resubmits.
    await mem.goto(`${regUrl}/sua`);
    assert((await mem.textContent('main')).includes('Ghi rõ ý kiến đóng góp'), 'the member sees the per-item comment');
    await mem.fill('#content_1', 'Mỗi quý đóng góp ít nhất 01 ý kiến bằng văn bản về công tác vận động nhân dân ở Khu phố 1 tại buổi sinh hoạt chi bộ');
    await Promise.all([mem.waitForNavigation(), mem.click('button[value=submit]')]);
    assert((await mem.textContent('main')).includes('Chờ duyệt'), 'resubmitted');
    await mctx.close();

    await sec.goto(regUrl);
    await Promise.all([sec.waitForNavigation(), sec.click('button[value=approve]')]);
    assert((await sec.textContent('.flash.ok')).includes('Đã duyệt'), 'approved');
    await sec.goto(regUrl);
    assert((await sec.textContent('main')).includes('Đã duyệt'), 'status approved');
    const events = await sec.textContent('main table');
    assert(events.includes('Trả lại để sửa') && events.includes('Duyệt'), 'history shows return and approval');
    await sec.screenshot({ path: join(shots, '26-da-duyet.png'), fullPage: true });
    await sctx.close();
  });
  await journey('văn phòng xem báo cáo đăng ký năm 2019 và các nhóm bản đăng ký trùng lặp', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'vanphong', accounts['vanphong']);
    await page.goto(`${base}/dang-ky/bao-cao?nam=2019`);
    const body = await page.textContent('main');
    assert(body.includes('2019') && /\d+,\d%/.test(body), 'the report shows Vietnamese percentages for 2019');
    await page.screenshot({ path: join(shots, '27-bao-cao-dang-ky.png'), fullPage: true });
    await page.goto(`${base}/dang-ky/trung-lap?nam=2019`);
    assert((await page.locator('mark').count()) > 0, 'copy groups show the differing words');
    await page.screenshot({ path: join(shots, '28-trung-lap.png'), fullPage: false });
    await page.goto(`${base}/mo-hinh`);
    assert((await page.textContent('main')).includes('Sơn Đông'), 'the seed models are listed');
    await page.screenshot({ path: join(shots, '29-mo-hinh.png'), fullPage: false });
    await ctx.close();
  });
  await journey('người dân xem trang công khai của xã Sơn Đông trên điện thoại, gửi phản ánh; bí thư trả lời; người dân thấy câu trả lời', async () => {
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };
    const cctx = await browser.newContext(phone);
    const citizen = await cctx.newPage();
    await citizen.goto(`${base}/cong-khai`);
    assert((await citizen.textContent('h1')).includes('Cổng thông tin công khai'), 'portal home');
    await citizen.screenshot({ path: join(shots, '30-cong-khai-trang-chu.png'), fullPage: false });
    await Promise.all([citizen.waitForNavigation(), citizen.click('a[href="/cong-khai/don-vi/SD"]')]);
    const unitText = await citizen.textContent('main');
    assert(unitText.includes('Sơn Đông') && unitText.includes('Bản đăng ký làm theo được công khai'), 'the commune page lists published registrations');
    assert(unitText.includes('nội dung đã hoàn thành'), 'progress is shown');
    const unitHeight = await citizen.evaluate(() => document.documentElement.scrollHeight);
    console.log(`    (trang công khai xã Sơn Đông trên điện thoại: ${unitHeight} px, ${(unitHeight / 844).toFixed(1)} màn hình)`);
    assert((await citizen.locator('nav.jump a').count()) === 3, 'a jump bar to the page\'s parts');
    await citizen.screenshot({ path: join(shots, '31-cong-khai-xa-son-dong.png'), fullPage: false });
    // Search without diacritics finds the commune's models.
    await citizen.fill('#portal-q', 'dan van kheo');
    await Promise.all([citizen.waitForNavigation(), citizen.click('.portal-search button')]);
    assert((await citizen.textContent('.hits li >> nth=0')).includes('Mô hình'), 'search without diacritics puts the model named so first');
    await citizen.screenshot({ path: join(shots, '38-tim-kiem-khong-dau.png'), fullPage: false });
    await Promise.all([citizen.waitForNavigation(), citizen.click('.hits a[href^="/cong-khai/mo-hinh/"] >> nth=0')]);
    assert((await citizen.textContent('main')).includes('Gửi phản ánh'), 'a model page takes feedback');
    await citizen.screenshot({ path: join(shots, '39-mo-hinh-cong-khai.png'), fullPage: true });
    // "son dong": the commune first, only places where the two words stand together, 20 to a page.
    await citizen.goto(`${base}/cong-khai/tim-kiem?q=son+dong`);
    const hits = await citizen.locator('.hits li').allTextContents();
    assert(hits.length > 0 && hits.length <= 20, `one page of results: ${hits.length}`);
    assert(hits[0].includes('Đơn vị') && hits[0].includes('Sơn Đông'), `the commune first: ${hits[0]}`);
    assert(!hits.some((h) => /—\s*$/.test(h.trim().split('\n')[0])), 'no title ends in a dangling dash');
    await citizen.screenshot({ path: join(shots, '38a-tim-kiem-son-dong.png'), fullPage: false });
    await citizen.goto(`${base}/cong-khai/don-vi/SD`);
    await Promise.all([citizen.waitForNavigation(), citizen.click('.pub-reg h3 a >> nth=0')]);
    const regUrl = citizen.url();
    const leader = (await citizen.textContent('h1')).trim();
    const content = `Đề nghị đồng chí ${leader} cho biết khi nào đoạn đường ấp Bình Thạnh (gần cầu Cái Cối) được đổ bê tông; mùa mưa xe máy đi rất khó.`;
    await citizen.fill('#fb-content', content);
    await citizen.fill('#fb-name', 'Nguyễn Văn Tám');
    await citizen.fill('#fb-contact', '0911222333');
    await citizen.locator('#gui-phan-anh').scrollIntoViewIfNeeded();
    await citizen.screenshot({ path: join(shots, '32-gui-phan-anh.png'), fullPage: false });
    await Promise.all([citizen.waitForNavigation(), citizen.click('#gui-phan-anh button[type=submit]')]);
    assert((await citizen.textContent('h1')).includes('Đã gửi phản ánh'), 'the citizen gets a receipt');
    const code = (await citizen.textContent('.track-code')).trim();
    assert(code.length === 10, 'a tracking code');
    const trackUrl = `${base}/cong-khai/phan-anh/${code}`;
    await citizen.screenshot({ path: join(shots, '33-da-gui-phan-anh.png'), fullPage: true });

    // The commune secretary moderates and answers publicly.
    const sctx = await browser.newContext(phone);
    const sec = await sctx.newPage();
    await login(sec, 'bithu.sd', accounts['bithu.sd']);
    // The dashboard says how much feedback waits.
    const waiting = await sec.textContent('#phan-anh-cho');
    assert(waiting.includes('chờ trả lời') && waiting.includes('quá hạn'), `the dashboard counts open feedback: ${waiting}`);
    await sec.screenshot({ path: join(shots, '40-tong-quan-phan-anh.png'), fullPage: false });
    await sec.goto(`${base}/phan-anh`);
    const queueText = await sec.textContent('main');
    assert(queueText.includes('cầu Cái Cối'), `the feedback is in the commune queue: ${sec.url()} ${queueText.slice(0, 600)}`);
    await sec.screenshot({ path: join(shots, '34-hang-cho-phan-anh.png'), fullPage: false });
    await Promise.all([sec.waitForNavigation(), sec.click('a:has-text("cầu Cái Cối")')]);
    assert((await sec.textContent('main')).includes('0911222333'), 'the unit sees the contact');
    await sec.fill('#answer', 'Cảm ơn ông/bà. Đoạn đường ấp Bình Thạnh gần cầu Cái Cối sẽ được đổ bê tông trong tháng 01/2027 bằng nguồn vốn nông thôn mới và ngày công của bà con.');
    await sec.screenshot({ path: join(shots, '35-tra-loi-phan-anh.png'), fullPage: false });
    await Promise.all([sec.waitForNavigation(), sec.click('#tra-loi button[type=submit]')]);
    assert((await sec.textContent('.flash.ok')).includes('Đã trả lời'), 'answered');
    await sctx.close();

    // Days later the citizen comes back with the code written on paper, in small letters with a space,
    // and types it into the portal home's "Tra cứu phản ánh" box.
    assert((await citizen.locator('.tracking-qr').count()) === 1, 'the receipt has a QR code of its address');
    await citizen.goto(`${base}/cong-khai`);
    await citizen.fill('#trang-chu-ma', `${code.slice(0, 5).toLowerCase()} ${code.slice(5).toLowerCase()}`);
    await citizen.screenshot({ path: join(shots, '36a-tra-cuu-phan-anh.png'), fullPage: false });
    await Promise.all([citizen.waitForNavigation(), citizen.click('.lookup-card button[type=submit]')]);
    assert(citizen.url() === trackUrl, `the box opens the tracking page: ${citizen.url()}`);
    // The citizen sees the answer on the tracking page and on the public registration page.
    assert((await citizen.textContent('main')).includes('tháng 01/2027'), 'the tracking page shows the answer');
    await citizen.screenshot({ path: join(shots, '36b-theo-doi-phan-anh.png'), fullPage: true });
    // A mistyped code (O for 0 is impossible: codes have neither) is refused with the reason, input kept.
    await citizen.goto(`${base}/cong-khai/phan-anh?ma=${code.slice(0, 9)}O`);
    assert((await citizen.textContent('#tra-cuu-ma-err')).includes('không phải là mã theo dõi'), 'a mistyped code says why');
    await citizen.goto(regUrl);
    const fb = citizen.locator('#phan-anh article', { hasText: 'cầu Cái Cối' });
    await fb.first().waitFor();
    const text = await fb.first().textContent();
    assert(text.includes('Đơn vị trả lời') && text.includes('tháng 01/2027'), 'the answer is public');
    assert(!(await citizen.textContent('body')).includes('0911222333'), 'the contact is never shown');
    await fb.first().scrollIntoViewIfNeeded();
    await citizen.screenshot({ path: join(shots, '36-nguoi-dan-thay-tra-loi.png'), fullPage: false });
    await cctx.close();
  });
  await journey('văn phòng lập bản tin phát thanh của xã Sơn Đông', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'vanphong', accounts['vanphong']);
    await page.goto(`${base}/ban-tin/SD`);
    const body = await page.textContent('main');
    assert(body.includes('THÔNG BÁO') && body.includes('Kính thưa'), 'the notice is composed');
    assert((await page.locator('.notice-qr img').count()) === 1, 'the notice has a QR code');
    assert(/Sơn Đông, ngày \d{2} tháng \d{1,2} năm \d{4}/.test(await page.textContent('.notice-head em')), 'the notice is dated in words');
    assert((await page.locator('label[for=tu]').textContent()).includes('Từ ngày'), 'the period boxes are labelled');
    // CI installs espeak-ng: the WAV button is there and gives a WAV.
    const wavLink = page.locator('a[href*="am-thanh.wav"]');
    assert((await wavLink.count()) === 1, 'the WAV button shows when the server can speak');
    const wav = await page.request.get(`${base}${await wavLink.getAttribute('href')}`);
    assert(wav.ok() && wav.headers()['content-type'] === 'audio/wav', `WAV: ${wav.status()}`);
    await page.click('summary');
    await page.screenshot({ path: join(shots, '37-ban-tin.png'), fullPage: false });
    const docx = await page.request.get(`${base}/ban-tin/SD/thong-bao.docx`);
    assert(docx.ok() && docx.headers()['content-type'].includes('wordprocessingml'), 'Word notice');
    await ctx.close();
  });
  await journey('cấp ủy: lịch thực hiện năm, chức vụ chưa xác định, tài khoản gắn với đảng viên, phiếu xếp loại', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'vanphong', accounts['vanphong']);
    await page.goto(`${base}/ke-hoach?nam=2016`);
    const plan = await page.textContent('main');
    assert(plan.includes('Lịch thực hiện năm 2016'), 'the year calendar is shown');
    assert(plan.includes('31/08/2016'), 'the city set the 2016 deadline after its plan of 21/06/2016');
    await page.locator('#lich').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '50-lich-thuc-hien.png'), fullPage: false });
    await page.goto(`${base}/dang-vien/chuc-vu-chua-xac-dinh`);
    assert((await page.textContent('h1')).includes('Chức vụ'), 'the review list of titles opens');
    await page.screenshot({ path: join(shots, '51-chuc-vu-chua-xac-dinh.png'), fullPage: true });
    await ctx.close();
    const actx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const admin = await actx.newPage();
    await login(admin, 'admin', accounts.admin);
    await admin.goto(`${base}/tai-khoan`);
    const linked = await admin.locator('tr', { hasText: 'bithu.p7' }).first().textContent();
    assert(linked.includes('Gắn với'), 'the ward secretary account is linked to her member record');
    await admin.screenshot({ path: join(shots, '52-tai-khoan-gan-dang-vien.png'), fullPage: false });
    await actx.close();
    const pctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const phone = await pctx.newPage();
    await login(phone, 'bithu.p7', accounts['bithu.p7']);
    await phone.goto(`${base}/dang-ky/xep-loai?nam=2019`);
    const sheet = await phone.textContent('main');
    assert(sheet.includes('Xếp loại chất lượng đảng viên năm 2019'), 'the ward opens its rating sheet');
    await phone.screenshot({ path: join(shots, '53-phieu-xep-loai-dien-thoai.png'), fullPage: false });
    await pctx.close();
  });
  await journey('kiểm tra viên mở cuộc kiểm tra, kết luận có yêu cầu khắc phục, ghi quyết định kỷ luật, xem tổng hợp', async () => {
    // Date boxes take ISO dates (the browser shows them as dd/mm/yyyy); the summary's period is typed.
    const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'kiemtra', accounts['kiemtra']);
    await page.click('nav.main a[href="/kiem-tra"]');
    assert((await page.textContent('h1')).includes('Kiểm tra, giám sát'), 'the case list opens from the menu');
    await page.screenshot({ path: join(shots, '70-kiem-tra-danh-sach.png'), fullPage: false });
    await page.click('text=Mở cuộc kiểm tra, giám sát');
    await page.selectOption('#kind', 'inspection');
    await page.selectOption('#unit_code', 'TU-BT');
    await page.fill('#title', 'Kiểm tra việc thực hiện Chỉ thị 05 tại Chi bộ Khu phố 1, Phường 7');
    await page.fill('#decision_number', '99-QĐ/UBKT');
    await page.fill('#decided_on', day(-20));
    await page.fill('#team', 'Nguyễn Văn Kiểm\nTrần Thị Tra');
    await page.fill('#subject_codes', 'P7-KP1');
    await page.screenshot({ path: join(shots, '71-mo-cuoc.png'), fullPage: false });
    await Promise.all([page.waitForNavigation(), page.click('#mo-cuoc button[type=submit]')]);
    assert((await page.textContent('.flash')).includes('Đã mở cuộc'), 'the case is opened');
    const caseUrl = page.url().split('?')[0];
    // Conclude: a violation with one remedy due in two months.
    const block = page.locator('fieldset.insp-finding').first();
    await block.locator('select').selectOption('violation');
    await block.locator('input[name^="m_"]').fill('B3, c1');
    await block.locator('input[name^="n_"]').fill('Sinh hoạt chuyên đề chưa đều');
    await block.locator('input[name$="_0"][name^="rt_"]').fill('Tổ chức sinh hoạt chuyên đề hằng quý, có biên bản');
    await block.locator('input[name$="_0"][name^="rd_"]').fill(day(60));
    await Promise.all([page.waitForNavigation(), page.click('#ket-luan button[type=submit]')]);
    const concluded = await page.textContent('main');
    assert(concluded.includes('Có vi phạm') && concluded.includes('B3, C1'), 'the finding is saved');
    assert(concluded.includes('Đúng hạn'), 'the remedy is within its due day');
    await page.screenshot({ path: join(shots, '72-ket-luan.png'), fullPage: true });
    // Record a discipline decision from the case.
    await page.click('#ky-luat a.button');
    await page.check('input[name=target][value=unit]');
    await page.fill('#subject_unit', 'P7-KP1');
    await page.selectOption('#form', 'reprimand');
    await page.fill('#decision_number', '100-QĐ/UBKT');
    await page.fill('#decided_on', day(-2));
    await page.fill('#reason', 'Buông lỏng lãnh đạo việc sinh hoạt chuyên đề theo Chỉ thị 05');
    await Promise.all([page.waitForNavigation(), page.click('#ghi-ky-luat button[type=submit]')]);
    const decision = await page.textContent('main');
    assert(decision.includes('Khiển trách') && decision.includes('100-QĐ/UBKT'), 'the decision is recorded');
    await page.screenshot({ path: join(shots, '73-ky-luat.png'), fullPage: false });
    await page.goto(caseUrl);
    assert((await page.textContent('#ky-luat')).includes('Khiển trách'), 'the case lists its discipline');
    await page.goto(`${base}/kiem-tra/tong-hop`);
    const summary = await page.textContent('main');
    assert(summary.includes('Lượt tổ chức') && summary.includes('Kiểm tra khi có dấu hiệu vi phạm'), 'the summary opens');
    await page.screenshot({ path: join(shots, '74-tong-hop.png'), fullPage: true });
    await ctx.close();
    const pctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const phone = await pctx.newPage();
    await login(phone, 'kiemtra', accounts['kiemtra']);
    await phone.goto(caseUrl);
    await phone.locator('#doi-tuong').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: join(shots, '75-cuoc-dien-thoai.png'), fullPage: false });
    await phone.goto(`${base}/kiem-tra/tong-hop`);
    await phone.locator('#tong-hop').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: join(shots, '76-tong-hop-dien-thoai.png'), fullPage: false });
    await phone.goto(`${base}/kiem-tra`);
    await phone.screenshot({ path: join(shots, '77-danh-sach-dien-thoai.png'), fullPage: false });
    await pctx.close();
  });
  await journey('bí thư xã đề nghị khen thưởng, văn phòng ghi quyết định; bộ tiêu chí nông thôn mới và văn minh đô thị; trang công khai của xã', async () => {
    // Today in Asia/Ho_Chi_Minh (the product's day), as dd/mm/yyyy.
    const dmy = new Date().toLocaleDateString('en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
    // The ward secretary of Sơn Đông proposes a certificate for one of the commune's members.
    const sctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const sec = await sctx.newPage();
    await login(sec, 'bithu.sd', accounts['bithu.sd']);
    await sec.goto(`${base}/khen-thuong`);
    assert((await sec.textContent('h1')).includes('Khen thưởng'), 'the list opens for a secretary');
    await sec.screenshot({ path: join(shots, '80-khen-thuong-dien-thoai.png'), fullPage: false });
    await sec.goto(`${base}/khen-thuong/moi`);
    await sec.selectOption('#kind', 'certificate');
    await sec.fill('#reason', 'Có thành tích xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, vận động nhân dân hiến đất làm đường');
    await sec.locator('#chon-dang-vien input[type=checkbox]').first().check();
    await sec.screenshot({ path: join(shots, '81-de-nghi-dien-thoai.png'), fullPage: false });
    await Promise.all([sec.waitForNavigation(), sec.click('#form-khen-thuong button[type=submit]:not([name])')]);
    assert((await sec.textContent('#trang-thai')).includes('chưa quyết định'), 'the proposal waits for a decision');
    const proposalUrl = sec.url().split('?')[0];
    await sctx.close();
    // The city office sees it waiting and records the decision.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await login(page, 'vanphong', accounts['vanphong']);
    await page.click('nav.main a[href="/khen-thuong"]');
    assert((await page.textContent('main')).includes('Đề nghị chờ quyết định'), 'the office sees the proposals waiting');
    await page.screenshot({ path: join(shots, '82-khen-thuong-van-phong.png'), fullPage: false });
    await page.goto(proposalUrl);
    await page.fill('#decision_number', '412-QĐ/TU');
    await page.fill('#decided_on', dmy);
    await Promise.all([page.waitForNavigation(), page.click('#form-quyet-dinh button[type=submit]')]);
    const decided = await page.textContent('main');
    assert(decided.includes('412-QĐ/TU') && decided.includes('Đã quyết định'), 'the decision is recorded');
    await page.screenshot({ path: join(shots, '83-quyet-dinh.png'), fullPage: false });
    await page.goto(`${base}/khen-thuong/tong-hop?tu=01/01/2016&den=20/05/2020`);
    assert((await page.textContent('main')).includes('Giấy khen'), 'the summary counts by kind');
    await page.screenshot({ path: join(shots, '84-khen-thuong-tong-hop.png'), fullPage: true });
    // Criteria: the communes' new-rural standard and the city's 35 criteria as of the report's date.
    await page.click('nav.main a[href="/tieu-chi"]');
    const sets = await page.textContent('main');
    assert(sets.includes('NTM-2016') && sets.includes('VMDT-BT'), 'the demo sets are listed');
    await page.screenshot({ path: join(shots, '85-bo-tieu-chi.png'), fullPage: false });
    await page.goto(`${base}/tieu-chi/NTM-2016?ngay=20/05/2020`);
    assert((await page.textContent('.crit-headline')).includes('100'), 'every commune meets the new-rural standard on 20/05/2020');
    await page.screenshot({ path: join(shots, '86-nong-thon-moi.png'), fullPage: true });
    await page.goto(`${base}/tieu-chi/VMDT-BT/don-vi/TU-BT?ngay=20/05/2020`);
    assert((await page.textContent('main')).includes('35/35'), 'the city meets 35/35 civilised-urban criteria');
    await page.screenshot({ path: join(shots, '87-van-minh-do-thi.png'), fullPage: false });
    await page.goto(`${base}/phan-loai`);
    assert((await page.textContent('main')).includes('Đô thị loại II'), 'the urban class is recorded');
    await ctx.close();
    // On a phone: the set page and a commune against the set; then the commune's public page.
    const pctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const phone = await pctx.newPage();
    await login(phone, 'vanphong', accounts['vanphong']);
    await phone.goto(`${base}/tieu-chi/NTM-2016?ngay=20/05/2020`);
    await phone.screenshot({ path: join(shots, '88-nong-thon-moi-dien-thoai.png'), fullPage: false });
    await phone.goto(`${base}/tieu-chi/NTM-2016/don-vi/SD?ngay=31/12/2017`);
    await phone.screenshot({ path: join(shots, '89-xa-theo-tieu-chi-dien-thoai.png'), fullPage: false });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 392, `the commune's criteria page fits a phone (${width} px)`);
    const citizen = await pctx.newPage();
    await citizen.goto(`${base}/cong-khai/don-vi/SD`);
    const pub = await citizen.textContent('main');
    assert(pub.includes('nông thôn mới'), 'the public page shows the recognition');
    assert(!pub.includes('chưa quyết định'), 'the public page shows no proposal');
    await citizen.locator('#danh-hieu').scrollIntoViewIfNeeded();
    await citizen.screenshot({ path: join(shots, '90-cong-khai-danh-hieu.png'), fullPage: false });
    await pctx.close();
  });
  await journey('văn phòng xem báo cáo sơ kết của thành phố: số liệu dẫn tới hồ sơ, sắp xếp đơn vị, tải Word và Excel', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', acceptDownloads: true });
    const page = await ctx.newPage();
    await login(page, 'vanphong', accounts['vanphong']);
    await page.goto(`${base}/bao-cao`);
    await page.selectOption('#don-vi', 'TU-BT');
    await page.fill('#tu', '21/06/2016');
    await page.fill('#den', '20/05/2020');
    await Promise.all([page.waitForNavigation(), page.click('form.report-form button[type=submit]')]);
    assert((await page.textContent('.report-head')).includes('21/06/2016'), 'the period is the one typed');
    const inspection = await page.textContent('#bang-kiem-tra');
    assert(inspection.includes('206') && inspection.includes('3.520'), `206 party organisations and 3.520 members inspected: ${inspection}`);
    assert((await page.textContent('#bang-tieu-chi')).includes('35/35'), 'the city meets 35/35 civilised-urban criteria');
    assert((await page.locator('.report-chart svg[role=img]').count()) >= 3, 'the report draws its charts');
    await page.screenshot({ path: join(shots, '91-bao-cao-thanh-pho.png'), fullPage: true });
    const reportUrl = page.url();
    // A figure leads to the records it counts: the inspected organisations to the list of inspections.
    await Promise.all([page.waitForNavigation(), page.locator('#bang-kiem-tra a', { hasText: /^206$/ }).click()]);
    assert(new URL(page.url()).pathname === '/kiem-tra', `the figure opens the inspection list (${page.url()})`);
    assert((await page.locator('#danh-sach-cuoc tbody tr').count()) > 0, 'the list shows the inspections');
    await page.screenshot({ path: join(shots, '92-bao-cao-lan-theo-so-lieu.png'), fullPage: false });
    // Sort the sub-unit table by members, ascending then descending.
    await page.goto(reportUrl);
    const members = async () => (await page.locator('#bang-don-vi tbody tr td:nth-of-type(1)').allTextContents())
      .map((t) => Number(t.trim().replace(/\./g, '')));
    await Promise.all([page.waitForNavigation(), page.click('#bang-don-vi thead a[href*="sap-xep=dang-vien"]')]);
    assert(page.url().includes('chieu=tang'), `sorted ascending (${page.url()})`);
    assert((await page.getAttribute('#bang-don-vi thead th[aria-sort="ascending"]', 'aria-sort')) === 'ascending', 'the column says it is sorted');
    const up = await members();
    assert(up.length > 5 && up.every((v, i) => i === 0 || up[i - 1] <= v), `members ascending: ${up}`);
    await Promise.all([page.waitForNavigation(), page.click('#bang-don-vi thead a[href*="sap-xep=dang-vien"]')]);
    const down = await members();
    assert(page.url().includes('chieu=giam') && down.every((v, i) => i === 0 || down[i - 1] >= v), `members descending: ${down}`);
    await page.locator('#don-vi-truc-thuoc').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '93-bao-cao-sap-xep-don-vi.png'), fullPage: false });
    // The Word and Excel files of the same report.
    for (const [label, ext] of [['Tải bản Word', '.docx'], ['Tải bản Excel', '.xlsx']]) {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`.actions a:has-text("${label}")`)]);
      const name = dl.suggestedFilename();
      assert(name.endsWith(ext), `${label} gives a ${ext} file (${name})`);
      const bytes = readFileSync(await dl.path());
      assert(bytes.length > 2000 && bytes[0] === 0x50 && bytes[1] === 0x4b, `${name} is a zip file (${bytes.length} bytes)`);
    }
    await ctx.close();
  });
  await journey('đợt báo cáo: phường 7 viết và nộp trên điện thoại, thành phố trả lại kèm ý kiến, phường nộp lại, thành phố chấp nhận và chốt số liệu', async () => {
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };
    const fits = async (p, what) => {
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 392, `${what} fits a phone (${width} px)`);
    };
    const sctx = await browser.newContext(phone);
    const sec = await sctx.newPage();
    sec.on('dialog', (d) => d.accept());
    await login(sec, 'bithu.p7', accounts['bithu.p7']);
    // The ward's own live report on a phone.
    await sec.goto(`${base}/bao-cao?tu=21/06/2016&den=20/05/2020`);
    assert((await sec.textContent('h1')).includes('Phường 7'), 'the ward report opens');
    await fits(sec, 'the live report');
    await sec.screenshot({ path: join(shots, '94-bao-cao-phuong-dien-thoai.png'), fullPage: true });
    // The city's round, then the ward's draft in it.
    await sec.goto(`${base}/bao-cao/dot`);
    await Promise.all([sec.waitForNavigation(), sec.click('#danh-sach-dot a:has-text("Sơ kết 4 năm thực hiện Chỉ thị 05-CT/TW")')]);
    assert((await sec.textContent('#han-nop')).includes('10/05/2020'), 'the round shows its due day');
    await fits(sec, 'the round page');
    await sec.screenshot({ path: join(shots, '95-dot-bao-cao-dien-thoai.png'), fullPage: true });
    const ownRow = sec.locator('#bao-cao-don-vi tr', { hasText: '(P7)' });
    assert((await ownRow.textContent()).includes('Nháp'), 'the ward report is a draft');
    await Promise.all([sec.waitForNavigation(), ownRow.locator('a:has-text("Xem báo cáo")').click()]);
    const reportUrl = sec.url().split('?')[0];
    await sec.fill('#number', '45-BC/ĐU');
    await sec.fill('#results', 'Đảng bộ Phường 7 tổ chức học tập chuyên đề hằng năm đầy đủ; các chi bộ khu phố đưa việc làm theo vào sinh hoạt định kỳ; nhiều đảng viên nhận giúp đỡ hộ khó khăn trong khu phố.');
    await sec.fill('#limitations', 'Một số bản đăng ký làm theo còn chung chung, chưa gắn với chức trách; việc tự kiểm điểm cuối năm ở vài chi bộ còn hình thức.');
    await Promise.all([sec.waitForNavigation(), sec.click('#form-bao-cao button[type=submit]')]);
    assert((await sec.textContent('.flash.ok')).includes('Đã lưu báo cáo'), 'the draft is saved');
    assert((await sec.inputValue('#limitations')).includes('tự kiểm điểm'), 'the narrative is kept');
    await fits(sec, 'the report form');
    await sec.screenshot({ path: join(shots, '96-viet-bao-cao-dien-thoai.png'), fullPage: false });
    await sec.locator('#form-bao-cao').screenshot({ path: join(shots, '96b-noi-dung-bao-cao-dien-thoai.png') });
    await Promise.all([sec.waitForNavigation(), sec.click('#form-nop button[type=submit]')]);
    assert((await sec.textContent('#trang-thai')).includes('Đã nộp'), 'the report is submitted');
    assert((await sec.locator('#form-bao-cao').count()) === 0, 'a submitted report is no longer editable');

    // The city office sees it submitted and returns it; an empty comment is refused.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    page.on('dialog', (d) => d.accept());
    await login(page, 'vanphong', accounts['vanphong']);
    await page.goto(`${base}/bao-cao/dot`);
    await Promise.all([page.waitForNavigation(), page.click('#danh-sach-dot a:has-text("Sơ kết 4 năm thực hiện Chỉ thị 05-CT/TW")')]);
    const row = page.locator('#bao-cao-don-vi tr', { hasText: '(P7)' });
    assert((await row.textContent()).includes('Đã nộp'), 'the city sees Phường 7 submitted');
    await page.screenshot({ path: join(shots, '97-dot-bao-cao-van-phong.png'), fullPage: false });
    await Promise.all([page.waitForNavigation(), row.locator('a:has-text("Xem báo cáo")').click()]);
    assert(page.url().split('?')[0] === reportUrl, 'the row opens the ward report');
    await Promise.all([page.waitForNavigation(), page.click('#form-tra-lai button[type=submit]')]);
    assert((await page.textContent('#form-tra-lai .error-text')).includes('Ghi ý kiến khi trả lại'), 'a return needs a comment');
    assert((await page.textContent('#trang-thai')).includes('Đã nộp'), 'still submitted');
    await page.locator('#ky-duyet').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '97b-tra-lai-thieu-y-kien.png'), fullPage: false });
    const comment = 'Đề nghị bổ sung số liệu nhân rộng mô hình "Dân vận khéo" của phường và nêu nguyên nhân của các hạn chế.';
    await page.fill('#comment', comment);
    await Promise.all([page.waitForNavigation(), page.click('#form-tra-lai button[type=submit]')]);
    assert((await page.textContent('.flash.ok')).includes('Đã trả lại'), 'returned');
    assert((await page.textContent('#trang-thai')).includes('Trả lại'), 'the status says returned');

    // The ward sees the comment, completes the report and sends it again.
    await sec.goto(reportUrl);
    assert((await sec.textContent('#y-kien-tra-lai')).includes('Dân vận khéo'), 'the ward sees the comment');
    await sec.fill('#causes', 'Một số cấp ủy chi bộ chưa thường xuyên kiểm tra việc đăng ký làm theo; nhiều đảng viên cao tuổi.');
    await sec.screenshot({ path: join(shots, '98-y-kien-tra-lai-dien-thoai.png'), fullPage: false });
    await Promise.all([sec.waitForNavigation(), sec.click('#form-bao-cao button[type=submit]')]);
    assert((await sec.textContent('.flash.ok')).includes('Đã lưu báo cáo'), 'saved again');
    await Promise.all([sec.waitForNavigation(), sec.click('#form-nop button[type=submit]')]);
    assert((await sec.textContent('#trang-thai')).includes('Đã nộp'), 'submitted again');

    // The city accepts: the figures are frozen and the report can no longer change.
    await page.goto(reportUrl);
    await Promise.all([page.waitForNavigation(), page.click('#form-chap-nhan button[type=submit]')]);
    assert((await page.textContent('.flash.ok')).includes('Đã chấp nhận'), 'accepted');
    assert((await page.textContent('#trang-thai')).includes('Đã chấp nhận'), 'the status says accepted');
    assert((await page.textContent('#so-lieu-da-chot')).includes('Số liệu đã chốt'), 'the figures are frozen');
    assert((await page.locator('#ky-duyet').count()) === 0 && (await page.locator('#form-bao-cao').count()) === 0, 'nothing left to do');
    const history = await page.textContent('#qua-trinh');
    assert(history.includes('Trả lại') && history.includes('Chấp nhận') && history.includes('Dân vận khéo'), 'the history shows the return and the acceptance');
    await page.screenshot({ path: join(shots, '99-bao-cao-da-chap-nhan.png'), fullPage: false });
    await ctx.close();
    await sec.goto(reportUrl);
    assert((await sec.textContent('#noi-dung-bao-cao')).includes('tự kiểm điểm'), 'the ward reads its accepted report');
    assert((await sec.locator('#form-bao-cao, #form-nop').count()) === 0, 'the ward cannot change it any more');
    await fits(sec, 'the accepted report');
    await sec.screenshot({ path: join(shots, '99b-bao-cao-da-chap-nhan-dien-thoai.png'), fullPage: false });
    await sctx.close();
  });
  await journey('ủy ban kiểm tra đọc nhật ký bằng tiếng Việt: thao tác, đối tượng, giá trị; một lần nhập là một dòng; tải Excel', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN', acceptDownloads: true });
    const page = await ctx.newPage();
    await login(page, 'admin', accounts.admin);
    await page.goto(`${base}/nhat-ky`);
    const body = await page.textContent('main table');
    for (const raw of ['birth_date', 'card_number', 'gender:', 'add_result', 'registration:', 'submitted →']) {
      assert(!body.includes(raw), `no stored code on the page: ${raw}`);
    }
    assert(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/.test(body), 'times as dd/mm/yyyy HH:mm');
    const options = await page.locator('#loai option').allTextContents();
    assert(options.includes('Buổi học tập') && options.includes('Cuộc kiểm tra, giám sát') && options.length > 15, `a filter for every kind: ${options.length}`);
    // The demo's loads are batches: one entry each, opening to their rows.
    await page.selectOption('#loai', 'member');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/nhat-ky"] button[type=submit]')]);
    const group = page.locator('a', { hasText: 'Xem từng dòng' }).first();
    assert((await group.count()) === 1, 'a batch is one entry');
    await page.screenshot({ path: join(shots, '79-nhat-ky.png'), fullPage: false });
    await Promise.all([page.waitForNavigation(), group.click()]);
    assert((await page.textContent('main')).includes('Các dòng được ghi cùng một lần'), 'the batch opens to its rows');
    await page.screenshot({ path: join(shots, '79a-nhat-ky-mot-lan-ghi.png'), fullPage: false });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#tai-nhat-ky')]);
    assert(download.suggestedFilename().endsWith('.xlsx'), `an Excel file: ${download.suggestedFilename()}`);
    await ctx.close();
  });
  await journey('trình duyệt tiếng Anh: ngày gõ 07/12/2026 vẫn là 7 tháng 12, có lịch để chọn', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await ctx.newPage();
    await login(page, 'vanphong', accounts['vanphong']);
    await page.goto(`${base}/kiem-tra`);
    assert((await page.getAttribute('#tu', 'placeholder')) === 'dd/mm/yyyy', 'the box asks for dd/mm/yyyy');
    assert((await page.locator('#tu + .date-pick').count()) === 1, 'with a calendar button');
    await page.fill('#tu', '07/12/2026');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/kiem-tra"] button[type=submit]')]);
    assert(page.url().includes('tu=2026-12-07'), `sent as 7 December: ${page.url()}`);
    assert((await page.inputValue('#tu')) === '07/12/2026', 'and shown back as 07/12/2026');
    // A day that does not exist is refused in the box, before anything is sent.
    await page.fill('#tu', '31/02/2026');
    const valid = await page.evaluate(() => document.getElementById('tu').checkValidity());
    assert(!valid, 'an impossible date is refused');
    await page.screenshot({ path: join(shots, '78-ngay-trinh-duyet-tieng-anh.png'), fullPage: false });
    await ctx.close();
  });
  // Five key pages on a phone, checked by axe-core (WCAG 2.2 AA: labels, names, contrast, target size…)
  // and for sideways scrolling. Any violation fails the journey and is printed with its elements.
  await journey('trợ năng trên điện thoại: năm trang chính đạt WCAG 2.2 AA theo axe-core, không cuộn ngang', async () => {
    const axeSource = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };
    const token = await apiToken('bithu.p7kp1', accounts['bithu.p7kp1']);
    const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
    const made = await fetch(`${base}/api/v1/study-sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ unit_code: 'P7-KP1', date: today, title: 'Học tập chuyên đề (kiểm tra trợ năng)' }) });
    assert(made.status === 201, `a session to check: ${made.status}`);
    const sessionId = (await made.json()).id;
    const pages = [
      [null, '/dang-nhap', 'đăng nhập'],
      ['bithu.p7', '/', 'tổng quan của bí thư phường'],
      ['bithu.p7kp1', `/hoc-tap/${sessionId}`, 'phiếu điểm danh'],
      ['dangvien.p7', '/dang-ky', 'đăng ký làm theo của đảng viên'],
      [null, '/cong-khai/don-vi/SD', 'trang công khai của xã'],
    ];
    const problems = [];
    for (const [who, path, name] of pages) {
      // The checker is injected as a script the page's own policy would refuse.
      const ctx = await browser.newContext({ ...phone, bypassCSP: true });
      const page = await ctx.newPage();
      if (who) { await login(page, who, accounts[who]); }
      await page.goto(`${base}${path}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) { problems.push(`${name}: cuộn ngang (${width} px)`); }
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
        return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      });
      for (const v of result) { problems.push(`${name}: ${v}`); }
      await page.screenshot({ path: join(shots, `a11y-${pages.findIndex((x) => x[1] === path) + 1}.png`), fullPage: false });
      await ctx.close();
    }
    assert(problems.length === 0, `accessibility:\n    ${problems.join('\n    ')}`);
  });
} finally {
  await browser.close();
  server.kill('SIGINT');
  rmSync(dataDir, { recursive: true, force: true });
}
console.log('Playwright journeys:');
console.log(results.join('\n'));
console.log(failures ? `${failures} journey(s) failed` : 'all journeys passed');
process.exit(failures ? 1 : 0);
