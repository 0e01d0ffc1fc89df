<?php
// a theme prints a small inline image and a notice kept encoded in its settings export,
// and writes its own script tag as it is
echo base64_decode('PGltZyBzcmM9ImRhdGE6aW1hZ2UvZ2lmO2Jhc2U2NCxSMGxHT0RsaEFRQUJBSUFBQUFBQUFQLy8veUg1QkFFQUFBQUFMQUFBQUFBQkFBRUFBQUlCUkFBNyIgYWx0PSIiPg==');
print(base64_decode("PHAgY2xhc3M9Im5vdGljZSI+VGhhbmtzIGZvciB2aXNpdGluZyA8YSBocmVmPSJodHRwczovL2V4YW1wbGUub3JnLyI+b3VyIHNob3A8L2E+PC9wPg=="));
echo '<script src="https://cdn.jsdelivr.net/npm/jquery@3/dist/jquery.min.js"></script>';
$banner = get_option('banner_html');
echo base64_decode($banner);
