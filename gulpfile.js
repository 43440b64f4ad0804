// Copies node and credential icons next to the compiled files: tsc only emits .js/.d.ts,
// and n8n resolves `icon: 'file:…'` relative to the compiled node file.
const { src, dest, task } = require('gulp');

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

task('build:icons', copyIcons);
