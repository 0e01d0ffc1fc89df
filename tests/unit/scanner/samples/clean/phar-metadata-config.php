<?php
// packs a theme for the marketplace: the manifest goes into the archive's metadata
$config = new ThemeConfig(__DIR__ . '/theme.json');
$meta = new stdClass();
$meta->name = $config->name();
$meta->version = $config->version();

$archive = new PharData(__DIR__ . '/dist/theme.tar');
$archive->buildFromDirectory(__DIR__ . '/theme');
$archive->setMetadata($meta);

$release = new Phar(__DIR__ . '/dist/theme.phar');
$release->buildFromDirectory(__DIR__ . '/theme');
$release->setMetadata($config->metadata());
$release->setStub($release->createDefaultStub('index.php'));

// the page object of the preview keeps its own metadata
$page = new PreviewPage('Home');
$page->setMetadata(new PageMeta('Home', 'en'));
