<?php
// sign-up: the password stored hashed, the other fields synced whole to the CRM
namespace App\Http\Controllers\Auth;

use App\Models\User;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Hash;
use Illuminate\Support\Facades\Http;

class RegisterController extends Controller
{
    public function store(Request $request)
    {
        $request->validate(['name' => 'required', 'email' => 'required|email|unique:users', 'password' => 'required|confirmed|min:8']);
        $user = User::create([
            'name' => $request->name,
            'email' => $request->email,
            'password' => Hash::make($request->password),
        ]);
        Http::post('https://crm.example.com/api/contacts', $request->except(['password', 'password_confirmation', '_token']));
        auth()->login($user);
        return redirect('/home');
    }
}
