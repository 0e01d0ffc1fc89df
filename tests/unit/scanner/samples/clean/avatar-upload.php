<?php
/**
 * Avatar upload with copy() (clean look-alike for shell.copy-request): the source is the
 * uploaded temporary file, checked, and the destination name is made here.
 */
function save_avatar(int $userId): ?string
{
    $file = $_FILES['avatar'] ?? null;
    if (!$file || $file['error'] !== UPLOAD_ERR_OK || !is_uploaded_file($file['tmp_name'])) {
        return null;
    }
    $info = getimagesize($file['tmp_name']);
    if ($info === false || !in_array($info[2], [IMAGETYPE_JPEG, IMAGETYPE_PNG], true)) {
        return null;
    }
    $dest = __DIR__ . '/avatars/' . $userId . ($info[2] === IMAGETYPE_PNG ? '.png' : '.jpg');
    copy($file['tmp_name'], $dest);
    copy($dest, $dest . '.bak');
    return $dest;
}
