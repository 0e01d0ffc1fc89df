<?php
// saves the signature drawn on the page's canvas (sent as a base64 PNG) under a unique name
$data = $_POST['image'];
$data = str_replace('data:image/png;base64,', '', $data);
$data = str_replace(' ', '+', $data);
$file = 'signatures/' . uniqid() . '.png';
file_put_contents($file, base64_decode($data));
echo $file;
