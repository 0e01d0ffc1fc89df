<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// the theme's icon sprite, kept on its CDN and inlined once a page so <use href="#icon-cart"> works
$sprite = @file_get_contents('https://cdn.shop.example/assets/icons-v12.svg');
?>
<div style="display:none" aria-hidden="true"><?php echo $sprite; ?></div>
<header><svg class="icon"><use href="#icon-cart"></use></svg></header>
