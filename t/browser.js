// SPDX-License-Identifier: MIT
//
// t/browser.js - drives a page that dhat-summarize wrote in headless
// Chromium (puppeteer-core with the system's chromium) and checks what a
// user would do with it.  Any JavaScript error or console error fails.
//
// Usage: node t/browser.js SCENARIO FILE
//   svg-zoom FILE    click a box, check the zoom; reset it
//   svg-search FILE  search for a function, check the highlight and share
//   svg-load FILE    any graph: boxes shown, the widest kid zooms
//   html-report FILE the report of t/data/valgrind-heap.json, used
//   html-load FILE   any report: it loads, with a flame graph and sites
//
// Prints one line per check ("ok NAME" or "not ok NAME: why") and exits 1
// when one failed, 2 when the browser could not be driven at all.
"use strict";

const path = require("path");
const puppeteer = require("puppeteer-core");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
let failed = 0;

function check(name, cond, why) {
	if (cond) {
		console.log("ok " + name);
	} else {
		failed++;
		console.log("not ok " + name + (why ? ": " + why : ""));
	}
}

// The boxes as the page shows them now.
function boxes(page) {
	return page.$$eval("g.f", (gs) => gs.map((g) => {
		const r = g.querySelector("rect"), t = g.querySelector("text");
		const title = g.querySelector("title").textContent;
		return {
			name: title.substring(0, title.lastIndexOf(" (")),
			x: +r.getAttribute("x"), w: +r.getAttribute("width"),
			fill: r.getAttribute("fill"),
			shown: getComputedStyle(g).display !== "none",
			label: t ? t.textContent : "",
		};
	}));
}

function find(list, name) {
	return list.find((b) => b.name === name);
}

function labelsFit(list) {
	return list.filter((b) => b.shown && b.label.length >
	    Math.max(0, Math.floor((b.w - 6) / 7.2)));
}

async function clickBox(page, name) {
	const handles = await page.$$("g.f");
	for (const h of handles) {
		const t = await h.$eval("title", (e) => e.textContent);
		if (t.startsWith(name + " (")) {
			await h.$eval("rect", (r) => r.dispatchEvent(
			    new MouseEvent("click", { bubbles: true })));
			return true;
		}
	}
	return false;
}

async function svgZoom(page) {
	const before = await boxes(page);
	check("the page has boxes", before.length > 0);
	check("the clicked box is there", await clickBox(page, "big (m.c)"));
	const after = await boxes(page);
	const big = find(after, "big (m.c)"), main = find(after, "main (m.c)");
	const other = after.find((b) => b.name.startsWith("other: "));
	check("the zoomed box fills the width", big && Math.abs(big.w - 1180)
	    < 0.01, big && big.w);
	check("its caller stays, full width", main && main.shown &&
	    Math.abs(main.w - 1180) < 0.01);
	check("its sibling is hidden", other && !other.shown);
	check("labels fit their zoomed boxes", labelsFit(after).length === 0,
	    JSON.stringify(labelsFit(after)));
	const reset = await page.$eval("#unzoom",
	    (e) => getComputedStyle(e).display !== "none");
	check("Reset zoom is offered", reset);
	await page.$eval("#unzoom", (e) => e.dispatchEvent(
	    new MouseEvent("click", { bubbles: true })));
	const back = await boxes(page);
	check("Reset zoom restores every box", back.every((b, i) => b.shown &&
	    Math.abs(b.w - before[i].w) < 0.01 &&
	    Math.abs(b.x - before[i].x) < 0.01));
}

async function svgSearch(page) {
	page.on("dialog", (d) => d.accept("^big"));
	await page.$eval("#search", (e) => e.dispatchEvent(
	    new MouseEvent("click", { bubbles: true })));
	const list = await boxes(page);
	const hit = list.filter((b) => b.fill === "rgb(230,0,230)");
	check("the matching box is highlighted", hit.length === 1 &&
	    hit[0].name === "big (m.c)", JSON.stringify(hit));
	const share = await page.$eval("#matched", (e) => e.textContent);
	check("its share is shown", share === "Matched: 99.0%", share);
	await page.keyboard.press("Escape");
	const cleared = await boxes(page);
	check("Escape clears the search",
	    cleared.every((b) => b.fill !== "rgb(230,0,230)"));
}

// Any graph: it has boxes, and zooming into the widest kid of the root
// makes it fill the width.
async function svgLoad(page) {
	const list = await boxes(page);
	check("the page has boxes", list.length > 1, list.length);
	const kid = list.slice(1).reduce((a, b) => (b.w > a.w ? b : a));
	check("a box can be clicked", await clickBox(page, kid.name));
	const after = find(await boxes(page), kid.name);
	check("the zoomed box fills the width",
	    after && Math.abs(after.w - 1180) < 0.01, after && after.w);
}

// The HTML report of t/data/valgrind-heap.json: the overview's figures,
// the flame graph zoomed, switched to another metric and searched, the
// table sorted and a stack opened, the sites filtered, the leaks.
function flameBoxes(page) {
	return page.$$eval("#flame-graph .box", (bs) => bs.map((b) => ({
		name: b.textContent, w: parseFloat(b.style.width),
		hit: b.classList.contains("hit"), dim: b.classList.contains("dim"),
	})));
}

async function clickFlame(page, name) {
	return page.$$eval("#flame-graph .box", (bs, name) => {
		const b = bs.find((x) => x.textContent === name && !x.classList.contains("dim"));
		if (b)
			b.click();
		return !!b;
	}, name);
}

function rows(page, table) {
	return page.$$eval(table + " tbody tr", (trs) => trs.map((tr) =>
	    ({ cls: tr.className, cells: Array.from(tr.children,
	    (td) => td.textContent) })));
}

async function htmlReport(page) {
	await page.waitForSelector("body[data-ready=yes]");
	const cards = await page.$$eval(".card .value",
	    (vs) => vs.map((v) => v.textContent));
	check("the overview's figures", JSON.stringify(cards) ===
	    JSON.stringify(["255 bytes", "164 bytes", "10 bytes", "5"]),
	    JSON.stringify(cards));
	const width = await page.$eval("#flame-graph", (g) => g.clientWidth);
	check("a box can be clicked", await clickFlame(page, "leaky (prog.c)"));
	let fl = await flameBoxes(page);
	const leaky = fl.find((b) => b.name === "leaky (prog.c)" && !b.dim);
	check("the zoomed box fills the graph", leaky &&
	    Math.abs(leaky.w - width) < 0.5, leaky && leaky.w);
	check("what is outside it is hidden",
	    !fl.some((b) => b.name.startsWith("calloc")));
	await page.click("#flame-reset");
	await page.$$eval("button[data-metric]", (bs) => bs.find((b) =>
	    b.textContent.startsWith("At end")).click());
	fl = await flameBoxes(page);
	check("switching to t-end leaves leaky's stack only",
	    fl.length === 5 && fl.every((b) => Math.abs(b.w - width) < 0.5),
	    JSON.stringify(fl));
	await page.$$eval("button[data-metric]", (bs) => bs[0].click());
	await page.type("#flame-search", "leaky");
	fl = await flameBoxes(page);
	check("a search highlights the function",
	    fl.filter((b) => b.hit).map((b) => b.name).join() ===
	    "leaky (prog.c)");
	const matched = await page.$eval("#flame-matched",
	    (e) => e.textContent);
	check("its share is shown", matched === "Matched: 3.92%", matched);
	await page.$$eval("#sites-table th", (ths) => ths.find((t) =>
	    t.textContent.startsWith("Calls")).click());
	let r = await rows(page, "#sites-table");
	check("the table sorts by calls",
	    r[0].cells[0] === "work (prog.c:13) \u2190 main" &&
	    r[0].cells[2] === "3", JSON.stringify(r[0]));
	await page.click("#sites-table tbody tr.row");
	r = await rows(page, "#sites-table");
	check("a click shows the site's stack", r[1].cls === "stack" &&
	    r[1].cells[0].includes("main (prog.c:24)"), JSON.stringify(r[1]));
	await page.type("#sites-filter", "leaky");
	r = await rows(page, "#sites-table");
	check("the filter keeps the sites with a matching frame",
	    r.length === 1 && r[0].cells[0] === "leaky (prog.c:5) \u2190 work",
	    JSON.stringify(r));
	r = await rows(page, "#leaks-table");
	check("the leaks", r.length === 1 && r[0].cells[1] === "10 bytes",
	    JSON.stringify(r));
}

// A report whose profile has a timeline: the chart, its peak marked.
async function htmlTimeline(page) {
	await page.waitForSelector("body[data-ready=yes]");
	const peak = await page.$eval("#timeline-peak", (e) => e.textContent);
	check("the peak is marked", peak === "peak 164 bytes", peak);
	const segs = await page.$$eval("#timeline-sites .stack-bar",
	    (bars) => bars.map((b) => Array.from(b.children,
	    (s) => s.title)));
	check("what was live at the peak and at the end, by site",
	    segs.length === 2 && segs[0].length === 2 &&
	    segs[0][0].startsWith("work (prog.c:8)") &&
	    segs[1][0].startsWith("leaky (prog.c:5)"), JSON.stringify(segs));
	const path = await page.$eval("#timeline-chart path",
	    (e) => e.getAttribute("d").split(" L").length);
	check("the chart has a step per point", path >= 16, path);
	const box = await page.$eval("#timeline-chart svg", (s) => {
		s.scrollIntoView();
		const r = s.getBoundingClientRect();
		return [r.left, r.top, r.width, r.height];
	});
	await page.mouse.move(box[0] + box[2] * 0.5, box[1] + box[3] * 0.5);
	const info = await page.$eval("#timeline-info", (e) => e.textContent);
	check("a point's figures under the pointer",
	    /^at [0-9,]+ instrs: [0-9,]+ bytes in [0-9,]+ blocks? live$/.test(info),
	    info);
}

// Any report: it loads, and its flame graph zooms.
async function htmlLoad(page) {
	await page.waitForSelector("body[data-ready=yes]", { timeout: 60000 });
	const n = (await flameBoxes(page)).length;
	check("the flame graph has boxes", n > 1, n);
	const r = await rows(page, "#sites-table");
	check("the table has sites", r.length > 0, r.length);
}

const scenarios = {
	"svg-zoom": svgZoom, "svg-search": svgSearch, "svg-load": svgLoad,
	"html-report": htmlReport, "html-load": htmlLoad,
	"html-timeline": htmlTimeline,
};

async function main() {
	const [scenario, file] = process.argv.slice(2);
	const run = scenarios[scenario];
	if (!run || !file) {
		console.error("usage: node browser.js SCENARIO FILE");
		process.exit(2);
	}
	const browser = await puppeteer.launch({
		executablePath: CHROMIUM, headless: true,
		args: ["--no-sandbox", "--disable-gpu"],
	});
	try {
		const page = await browser.newPage();
		const errors = [];
		page.on("pageerror", (e) => errors.push(e.message));
		page.on("console", (m) => {
			if (m.type() === "error")
				errors.push(m.text());
		});
		await page.goto("file://" + path.resolve(file),
		    { waitUntil: "load" });
		await run(page);
		check("no JavaScript error", errors.length === 0,
		    errors.join("; "));
	} finally {
		await browser.close();
	}
	process.exit(failed ? 1 : 0);
}

main().catch((e) => {
	console.log("not ok the browser could be driven: " + e.message);
	process.exit(2);
});
