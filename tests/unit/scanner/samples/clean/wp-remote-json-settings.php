<?php
// feature flags fetched from the vendor's API, decoded as JSON and stored
$res = wp_remote_get('https://api.example-vendor.com/flags.json');
$flags = json_decode(wp_remote_retrieve_body($res), true);
if (is_array($flags)) { update_option('vendor_flags', array_map('sanitize_key', $flags)); }
