/* SPDX-License-Identifier: MIT */
/*
 * assets.h - the HTML report's style and script (report.css, report.js),
 * made into C strings at build time by embed.sh.
 */
#ifndef DTOOL_ASSETS_H
#define DTOOL_ASSETS_H

extern const char dtool_report_css[];
extern const char dtool_report_js[];

#endif
